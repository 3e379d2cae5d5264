namespace Edge.Bench.Pipeline;

/// <summary>One load run: sequences [FirstSequence, FirstSequence + Sent), acknowledged and failed publishes, duration.</summary>
internal readonly record struct LoadResult(long FirstSequence, long Sent, long Acked, long Failed, double Seconds, long StartTicks)
{
    public double AckedPerSecond => Acked / Seconds;
}
