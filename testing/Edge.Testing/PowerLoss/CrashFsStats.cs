namespace Edge.Testing.PowerLoss;

/// <summary>Counters of a mounted <see cref="CrashFs"/> since it was mounted.</summary>
/// <param name="Writes">write calls that reached the file system.</param>
/// <param name="Bytes">Bytes written.</param>
/// <param name="Fsyncs">File fsync/fdatasync calls (and O_DSYNC writes).</param>
/// <param name="DirectoryFsyncs">Directory fsyncs.</param>
/// <param name="UsedBytes">Bytes in files now (what the capacity limit counts).</param>
/// <param name="StalledFsyncs">fsyncs blocked right now by <see cref="CrashFs.StallFsyncAsync"/>.</param>
/// <param name="Crashes">Power cuts so far.</param>
public sealed record CrashFsStats(long Writes, long Bytes, long Fsyncs, long DirectoryFsyncs, long UsedBytes, int StalledFsyncs, long Crashes);
