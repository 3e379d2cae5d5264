using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Edge.Gateway.Tests;

/// <summary>Checks Kafka's contents against what the gateway acknowledged to devices.</summary>
internal static class Delivery
{
    /// <summary>
    /// Asserts every acknowledged (device, seq) is in Kafka, each device's records keep their order, and returns
    /// the number of duplicates (allowed; identified by edge.gateway + edge.offset or by the payload).
    /// </summary>
    public static int AssertComplete(IEnumerable<TestPublisher> devices, IReadOnlyList<ConsumeResult<string, byte[]>> records)
    {
        var seen = new Dictionary<string, List<int>>();
        foreach (var record in records)
        {
            var text = Encoding.UTF8.GetString(record.Message.Value).TrimEnd('.');
            var colon = text.LastIndexOf(':');
            var device = text[..colon];
            var sequence = int.Parse(text[(colon + 1)..], CultureInfo.InvariantCulture);
            Assert.Equal(device, record.Message.Key);
            if (!seen.TryGetValue(device, out var list))
            {
                seen[device] = list = [];
            }

            list.Add(sequence);
        }

        var duplicates = 0;
        foreach (var device in devices)
        {
            var arrived = seen.GetValueOrDefault(device.DeviceId) ?? [];
            var missing = device.Acknowledged.Except(arrived).Order().ToList();
            Assert.True(missing.Count == 0, $"{device.DeviceId}: {missing.Count} acknowledged messages missing from Kafka, first {string.Join(',', missing.Take(10))}");
            duplicates += arrived.Count - arrived.Distinct().Count();

            // Order per device: first occurrences come in sequence order.
            var firstOccurrences = arrived.Distinct().ToList();
            Assert.True(firstOccurrences.SequenceEqual(firstOccurrences.Order()), $"{device.DeviceId}: records out of order in Kafka");
        }

        return duplicates;
    }
}
