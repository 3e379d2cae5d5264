using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Edge.Gateway.DevKafka;

/// <summary>
/// librdkafka's mock cluster: brokers speaking the real Kafka protocol over TCP on loopback, keeping data in
/// memory only. For the gateway's development default and for tests that need a Kafka peer with fault injection.
/// Not a production Kafka: no SASL/SSL, no persistence, data is gone on <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Topics produced to without <see cref="CreateTopic"/> are auto-created by the mock with librdkafka's defaults;
/// create them explicitly to choose partitions and replication. All members are thread-safe.
/// </remarks>
public sealed class MockKafkaCluster : IDisposable
{
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

    /// <summary>"127.0.0.1:port,..." — one address per broker.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1..BrokerCount.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster with the given number of brokers (1–9) on random loopback ports.</summary>
    /// <exception cref="DllNotFoundException">librdkafka could not be loaded.</exception>
    /// <exception cref="InvalidOperationException">librdkafka refused to create the cluster.</exception>
    public static MockKafkaCluster Start(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokers, 9);
        NativeLibrdkafka.EnsureLoaded();
        var error = new byte[512];
        var conf = LibrdkafkaMockNative.ConfNew();
        // The handle only hosts the cluster's threads; keep it quiet.
        _ = LibrdkafkaMockNative.ConfSet(conf, "log_level", "0", error, (nuint)error.Length);
        var handle = LibrdkafkaMockNative.New(LibrdkafkaMockNative.ProducerType, conf, error, (nuint)error.Length);
        if (handle == IntPtr.Zero)
        {
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

    /// <summary>Creates a topic (replication factor at most <see cref="BrokerCount"/>).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        Check(c => LibrdkafkaMockNative.TopicCreate(c, topic, partitions, Math.Min(replicationFactor, BrokerCount)), "create topic " + topic);
    }

    /// <summary>Takes a broker down: its connections close and new ones are refused until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) => Check(c => LibrdkafkaMockNative.BrokerSetDown(c, brokerId), $"broker {brokerId} down");

    /// <summary>Brings a broker back.</summary>
    public void SetBrokerUp(int brokerId) => Check(c => LibrdkafkaMockNative.BrokerSetUp(c, brokerId), $"broker {brokerId} up");

    /// <summary>A Kafka outage: every broker down.</summary>
    public void SetAllBrokersDown()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerDown(id);
        }
    }

    /// <summary>Ends an outage: every broker up.</summary>
    public void SetAllBrokersUp()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerUp(id);
        }
    }

    /// <summary>Adds a round-trip delay to every response of one broker.</summary>
    public void SetRoundTripTime(int brokerId, TimeSpan rtt)
        => Check(c => LibrdkafkaMockNative.BrokerSetRtt(c, brokerId, (int)rtt.TotalMilliseconds), $"broker {brokerId} rtt");

    /// <summary>Makes the next requests with this API key (Produce = 0) fail with these errors, in order.</summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            LibrdkafkaMockNative.PushRequestErrorsArray(_cluster, apiKey, (nuint)errors.Length, [.. errors.Select(e => (int)e)]);
        }
    }

    /// <summary>Stops the brokers; all data is gone.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
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
            throw new InvalidOperationException($"mock cluster: {what} failed: {Marshal.PtrToStringUTF8(LibrdkafkaMockNative.ErrorToString(error))}");
        }
    }
}
