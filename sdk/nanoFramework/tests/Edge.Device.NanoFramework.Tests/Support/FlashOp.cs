namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>One mutation the flash queue made, by file name (so it can be replayed into another directory).</summary>
internal sealed record FlashOp(FlashOpKind Kind, string Name, byte[] Data);
