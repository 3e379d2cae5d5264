namespace Edge.HardwareTests.Soak;

/// <summary>
/// One look at the gateway's memory from its /metrics: at <paramref name="Elapsed"/> since sampling began, the RSS
/// (<c>process_working_set_bytes</c>), the managed heap after the last GC (<c>edge_gc_heap_bytes</c>), the open file
/// descriptors (<c>process_open_handles</c>) and the process's start time (a new value means the gateway restarted).
/// </summary>
internal sealed record MemorySample(TimeSpan Elapsed, double RssMb, double HeapMb, double FileDescriptors, double ProcessStart);
