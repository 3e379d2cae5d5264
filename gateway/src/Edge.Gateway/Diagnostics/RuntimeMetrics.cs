namespace Edge.Gateway.Diagnostics;

/// <summary>
/// The process's own memory on /metrics, so that a soak (hardware-tests, <c>--soak</c>) or an installer's Prometheus can
/// tell a leak from a plateau on a 512 MB Pi: prometheus-net's <c>process_*</c> and <c>dotnet_*</c> metrics
/// (<c>process_working_set_bytes</c> is the RSS, <c>process_open_handles</c> the open file descriptors on Linux), plus the
/// managed heap as the last garbage collection left it (<c>edge_gc_heap_bytes</c>: what is live then, not the garbage
/// since) and what the GC had committed from the OS then (<c>edge_gc_committed_bytes</c>); both are 0 until the first collection. Read at each scrape only; nothing
/// runs between scrapes.
/// </summary>
internal static class RuntimeMetrics
{
    /// <summary>Adds the metrics to <paramref name="registry"/> (once per registry).</summary>
    public static void Register(Prometheus.CollectorRegistry registry)
    {
        Prometheus.DotNetStats.Register(registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var heap = factory.CreateGauge("edge_gc_heap_bytes", "Managed heap size after the last garbage collection, without its fragmentation (live objects then); 0 before the first.");
        var committed = factory.CreateGauge("edge_gc_committed_bytes", "Memory the garbage collector had committed from the OS at the last collection (free space included); 0 before the first.");
        registry.AddBeforeCollectCallback(() =>
        {
            var info = GC.GetGCMemoryInfo();
            heap.Set(info.HeapSizeBytes - info.FragmentedBytes);
            committed.Set(info.TotalCommittedBytes);
        });
    }
}
