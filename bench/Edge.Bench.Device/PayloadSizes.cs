using System.Globalization;
using System.Text;
using System.Text.Json;
using Edge.Protocol.Senml;

namespace Edge.Bench.Device;

/// <summary>Bytes on the wire per message for 1, 5 and 20 readings: SenML-CBOR (what the SDKs send) vs SenML-JSON vs a naive JSON object.</summary>
internal static class PayloadSizes
{
    public static void Print()
    {
        Console.WriteLine("| readings / message | SenML-CBOR B | SenML-JSON B | naive JSON B | CBOR / SenML-JSON | CBOR / naive JSON | CBOR B per reading |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        var encoder = new SenmlEncoder(Edge.Protocol.Topics.EdgeTopics.BaseName(Reading.DeviceId));
        var buffer = new byte[4096];
        foreach (var count in new[] { 1, 5, 20 })
        {
            var cbor = Reading.EncodeCbor(encoder, buffer, count, 42);
            var senmlJson = Encoding.UTF8.GetByteCount(SenmlJson.FromCbor(buffer, 0, cbor));
            var naive = NaiveJson(count).Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {count} | {cbor} | {senmlJson} | {naive} | {100.0 * cbor / senmlJson:0}% | {100.0 * cbor / naive:0}% | {(double)cbor / count:0.0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Example (1 reading) — naive JSON: " + Encoding.UTF8.GetString(NaiveJson(1)));
        var one = Reading.EncodeCbor(encoder, buffer, 1, 42);
        Console.WriteLine("Example (1 reading) — SenML-JSON rendering of the CBOR pack: " + SenmlJson.FromCbor(buffer, 0, one));
        Console.WriteLine();
    }

    /// <summary>What a hand-rolled device typically sends: one self-describing object per reading, ISO time, no shared base.</summary>
    private static byte[] NaiveJson(int count)
    {
        var readings = Enumerable.Range(0, count).Select(i =>
        {
            var (name, value, time) = Reading.Get(i);
            return new Dictionary<string, object>
            {
                ["device"] = Reading.DeviceId,
                ["sensor"] = name.Name,
                ["value"] = value,
                ["unit"] = name.Unit ?? "",
                ["time"] = DateTimeOffset.FromUnixTimeMilliseconds((long)((Reading.BaseTime + time) * 1000)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["seq"] = 42,
            };
        }).ToList();
        return count == 1 ? JsonSerializer.SerializeToUtf8Bytes(readings[0]) : JsonSerializer.SerializeToUtf8Bytes(readings);
    }
}
