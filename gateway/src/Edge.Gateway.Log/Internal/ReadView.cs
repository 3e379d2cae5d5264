namespace Edge.Gateway.Log.Internal;

/// <summary>A consistent snapshot of what a reader may read from <paramref name="Segment"/>.</summary>
/// <param name="Segment">The segment holding the reader's position.</param>
/// <param name="Limit">Bytes of the segment that are durable.</param>
/// <param name="SealedAndDurable">A later segment exists and this one is completely durable: at its limit, move on.</param>
/// <param name="Next">The following segment, if any.</param>
/// <param name="FirstRetained">Base offset of the oldest retained segment.</param>
/// <param name="DurableOffset">Offset below which every appended record is durable.</param>
internal readonly record struct ReadView(Segment Segment, long Limit, bool SealedAndDurable, Segment? Next, long FirstRetained, long DurableOffset);
