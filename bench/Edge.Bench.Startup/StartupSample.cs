namespace Edge.Bench.Startup;

/// <summary>
/// One start of one variant. Times are seconds from just before the process was started; NaN when the step failed
/// (<see cref="Error"/> says why).
/// </summary>
/// <param name="ConnackSeconds">A first MQTT client (retrying every 5 ms) got its CONNACK.</param>
/// <param name="PubackSeconds">That client's first QoS 1 publish was acknowledged (fsynced in the log).</param>
/// <param name="KafkaSeconds">That record was readable in Kafka, i.e. Kafka had acknowledged it (acks=all).</param>
/// <param name="ReadyRssMb">The gateway's RSS at that moment (under qemu: qemu's own memory included).</param>
/// <param name="MessagesPerSecond">Closed-loop PUBACK rate of the short max-rate run after the start.</param>
/// <param name="CpuSecondsPer10k">The gateway's CPU (user+system) per 10,000 acknowledged messages in that run.</param>
/// <param name="PeakRssMb">The gateway's peak RSS (VmHWM) after that run.</param>
/// <param name="KafkaDelivered">The gateway's own <c>edge_kafka_records_delivered_total</c> after that run.</param>
internal sealed record StartupSample(
    string Variant,
    double ConnackSeconds,
    double PubackSeconds,
    double KafkaSeconds,
    double ReadyRssMb,
    double MessagesPerSecond,
    double CpuSecondsPer10k,
    double PeakRssMb,
    double KafkaDelivered,
    string? Error);
