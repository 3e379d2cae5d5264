using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Edge.Gateway.DevKafka;

/// <summary>
/// librdkafka's mock cluster: brokers speaking the real Kafka protocol over TCP on loopback (random ports), keeping
/// data in memory only. For the gateway's development default and for tests that need a Kafka peer with fault
/// injection. Not a production Kafka: no SASL/SSL, no persistence; the data is gone on <see cref="Dispose"/> or
/// when the process ends (run <c>gateway/tools/Edge.DevKafka</c> through <see cref="DevKafkaProcess"/> when a test
/// kills the process that produced).
/// </summary>
/// <remarks>
/// <para><b>Topics.</b> A topic that was never created is auto-created by the mock when a client's Metadata request
/// allows it: producers do by default (<c>allow.auto.create.topics</c> is true for producers), so producing to
/// <c>edge.telemetry</c> works without <see cref="CreateTopic"/>; the topic then gets
/// <see cref="DefaultPartitions"/> (4) partitions and a replication factor of min(3, brokers). Consumers do not
/// auto-create by default: a consumer that subscribes before anything was produced sees "unknown topic" until the
/// topic exists. The defaults cannot be changed through the exported API; create topics explicitly to choose them.</para>
/// <para><b>Brokers down.</b> A down broker closes its connections and refuses new ones on the same port; its data
/// stays. There is no leader fail-over: partitions it leads stall (producers retry until it is up again or their
/// <c>message.timeout.ms</c> expires) while partitions led by other brokers keep flowing; move leadership
/// explicitly with <see cref="SetPartitionLeader"/>. Replicas exist in metadata only; records are kept once.</para>
/// <para><b>Other caveats.</b> A consumer group's first join waits the mock's initial rebalance delay (3 s); assign
/// partitions directly when that matters. <see cref="Dispose"/> with clients still connected is safe: they see an
/// outage. Pushed request errors are shared by every client of the cluster.</para>
/// <para>All members are thread-safe; each call returns once the cluster's thread applied it.</para>
/// </remarks>
public sealed class MockKafkaCluster : IDisposable
{
    /// <summary>Partitions the mock gives an auto-created topic (librdkafka's mock default, fixed).</summary>
    public const int DefaultPartitions = 4;

    private readonly object _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    private MockKafkaCluster(IntPtr handle, IntPtr cluster, int brokers)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokers;
        BootstrapServers = Marshal.PtrToStringUTF8(LibrdkafkaMockNative.ClusterBootstraps(cluster)) ?? "";
    }

    /// <summary>"127.0.0.1:port,..." — one address per broker, in broker id order.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1..<see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster with the given number of brokers (default 3) on random loopback ports.
    /// Calls <see cref="NativeLibrdkafka.EnsureLoaded"/> first.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokers"/> is less than 1.</exception>
    /// <exception cref="DllNotFoundException">librdkafka could not be loaded.</exception>
    /// <exception cref="InvalidOperationException">librdkafka refused to create the client handle or the cluster
    /// (e.g. no free port).</exception>
    public static MockKafkaCluster Start(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        NativeLibrdkafka.EnsureLoaded();
        var error = new byte[512];
        var conf = LibrdkafkaMockNative.ConfNew();
        // The handle only hosts the cluster's threads; keep it quiet.
        _ = LibrdkafkaMockNative.ConfSet(conf, "log_level", "0", error, (nuint)error.Length);
        var handle = LibrdkafkaMockNative.New(LibrdkafkaMockNative.ProducerType, conf, error, (nuint)error.Length);
        if (handle == IntPtr.Zero)
        {
            LibrdkafkaMockNative.ConfDestroy(conf); // rd_kafka_new takes ownership of conf only on success
            throw new InvalidOperationException("rd_kafka_new failed: " + Text(error));
        }

        var cluster = LibrdkafkaMockNative.ClusterNew(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            LibrdkafkaMockNative.Destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        return new MockKafkaCluster(handle, cluster, brokers);
    }

    /// <summary>Creates a topic. The replication factor is capped at <see cref="BrokerCount"/>.</summary>
    /// <exception cref="ArgumentException">Empty name, or fewer than 1 partition or replica.</exception>
    /// <exception cref="InvalidOperationException">The topic exists already (also when a producer auto-created it).</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void CreateTopic(string topic, int partitions, int replicationFactor)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        var replicas = Math.Min(replicationFactor, BrokerCount);
        Check(c => LibrdkafkaMockNative.TopicCreate(c, topic, partitions, replicas), "create topic " + topic);
    }

    /// <summary>Takes a broker down: its connections close and new ones are refused (same port) until
    /// <see cref="SetBrokerUp"/>. Its data stays.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokerId"/> is not in 1..<see cref="BrokerCount"/>.</exception>
    public void SetBrokerDown(int brokerId) => Check(c => LibrdkafkaMockNative.BrokerSetDown(c, BrokerId(brokerId)), $"broker {brokerId} down");

    /// <summary>Brings a broker back on its port. No effect on a broker that is up.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokerId"/> is not in 1..<see cref="BrokerCount"/>.</exception>
    public void SetBrokerUp(int brokerId) => Check(c => LibrdkafkaMockNative.BrokerSetUp(c, BrokerId(brokerId)), $"broker {brokerId} up");

    /// <summary>A Kafka outage: every broker down at once (one command to the cluster).</summary>
    public void SetAllBrokersDown() => Check(c => LibrdkafkaMockNative.BrokerSetDown(c, LibrdkafkaMockNative.AllBrokers), "all brokers down");

    /// <summary>Ends an outage: every broker up at once.</summary>
    public void SetAllBrokersUp() => Check(c => LibrdkafkaMockNative.BrokerSetUp(c, LibrdkafkaMockNative.AllBrokers), "all brokers up");

    /// <summary>Delays every response of one broker by <paramref name="rtt"/> (millisecond resolution;
    /// <see cref="TimeSpan.Zero"/> removes the delay).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown broker, or a negative or too large delay.</exception>
    public void SetRoundTripTime(int brokerId, TimeSpan rtt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rtt, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rtt.TotalMilliseconds, int.MaxValue, nameof(rtt));
        Check(c => LibrdkafkaMockNative.BrokerSetRtt(c, BrokerId(brokerId), (int)rtt.TotalMilliseconds), $"broker {brokerId} rtt");
    }

    /// <summary>Makes the next requests with this API key (see <see cref="KafkaApiKeys"/>; Produce = 0) fail with these
    /// errors, one error per request, in order, on whichever broker and from whichever client they come.</summary>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        int[] codes = [.. errors.Select(e => (int)e)];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            LibrdkafkaMockNative.PushRequestErrorsArray(_cluster, apiKey, (nuint)codes.Length, codes);
        }
    }

    /// <summary>Drops the errors pushed with <see cref="PushRequestErrors"/> for this API key that were not used yet.</summary>
    public void ClearRequestErrors(short apiKey)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            LibrdkafkaMockNative.ClearRequestErrors(_cluster, apiKey);
        }
    }

    /// <summary>Moves a partition's leadership to another broker (clients find out through Metadata). The mock assigns
    /// leaders at random when a topic is created; pin them with this when a test takes a particular broker down.</summary>
    /// <exception cref="InvalidOperationException">Unknown topic or partition.</exception>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        Check(c => LibrdkafkaMockNative.PartitionSetLeader(c, topic, partition, BrokerId(brokerId)), $"{topic} [{partition}] leader {brokerId}");
    }

    /// <summary>Stops the brokers; all data is gone. Connected clients see disconnects. Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            // The cluster lives on the handle's threads: destroy it first, the handle last.
            if (_cluster != IntPtr.Zero)
            {
                LibrdkafkaMockNative.ClusterDestroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_handle != IntPtr.Zero)
            {
                LibrdkafkaMockNative.Destroy(_handle);
                _handle = IntPtr.Zero;
            }
        }
    }

    private static string Text(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }

    private int BrokerId(int brokerId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokerId, BrokerCount);
        return brokerId;
    }

    private void Check(Func<IntPtr, int> call, string what)
    {
        int error;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            error = call(_cluster);
        }

        if (error != 0)
        {
            throw new InvalidOperationException($"mock cluster: {what} failed: {(ErrorCode)error} ({Marshal.PtrToStringUTF8(LibrdkafkaMockNative.ErrorToString(error))})");
        }
    }
}
