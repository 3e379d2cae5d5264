using System.Runtime.InteropServices;

namespace Edge.Gateway.DevKafka;

/// <summary>
/// P/Invoke into librdkafka's mock cluster (rdkafka_mock.h). Confluent.Kafka does not expose it; it is exported
/// from the same native library the client uses, resolved by <see cref="NativeLibrdkafka"/>.
/// </summary>
internal static partial class LibrdkafkaMockNative
{
    public const string Library = "librdkafka";
    public const int ProducerType = 0;

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    public static partial IntPtr New(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(IntPtr rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial IntPtr ClusterNew(IntPtr rk, int brokers);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void ClusterDestroy(IntPtr cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial IntPtr ClusterBootstraps(IntPtr cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TopicCreate(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int BrokerSetDown(IntPtr cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int BrokerSetUp(IntPtr cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    public static partial int BrokerSetRtt(IntPtr cluster, int brokerId, int rttMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static partial void PushRequestErrorsArray(IntPtr cluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_err2str")]
    public static partial IntPtr ErrorToString(int error);
}
