namespace Edge.HardwareTests.Fleet;

/// <summary>
/// Workaround for a finding (README, "SDK and gateway findings"): the nanoFramework SDK's TelemetryRuntime always
/// sends its device id as the MQTT user name, also without a secret; a gateway that checks every presented user
/// name refuses such devices as unknown even with Mqtt:AllowAnonymous=true, and locks out their source address —
/// every simulated device shares 127.0.0.1. This rewrites a MQTT 3.1.1 CONNECT that has a user name but no password
/// into an anonymous one, so the simulated fleet runs as anonymous devices, as intended.
/// </summary>
internal static class AnonymousConnect
{
    private const byte UserNameFlag = 0x80;
    private const byte PasswordFlag = 0x40;

    /// <summary>Returns the CONNECT without its user name, or null when the packet is not such a CONNECT.</summary>
    public static byte[]? StripUserName(byte[] buffer, int offset, int count)
    {
        if (count < 2 || buffer[offset] != 0x10)
        {
            return null;
        }

        var header = 1;
        var remaining = 0;
        for (var multiplier = 1; ; multiplier *= 128)
        {
            var b = buffer[offset + header++];
            remaining += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        var body = buffer.AsSpan(offset + header, remaining);
        var nameLength = (body[0] << 8) | body[1];
        var flagsAt = 2 + nameLength + 1;
        var flags = body[flagsAt];
        if ((flags & UserNameFlag) == 0 || (flags & PasswordFlag) != 0)
        {
            return null;
        }

        // With no password, the user name is the payload's last field: drop it and its flag.
        var at = flagsAt + 1 + 2; // flags, keep-alive
        at += 2 + ((body[at] << 8) | body[at + 1]); // client id
        if ((flags & 0x04) != 0)
        {
            at += 2 + ((body[at] << 8) | body[at + 1]); // will topic
            at += 2 + ((body[at] << 8) | body[at + 1]); // will message
        }

        var newBody = body[..at].ToArray();
        newBody[flagsAt] = (byte)(flags & ~UserNameFlag);
        var packet = new List<byte> { 0x10 };
        var length = newBody.Length;
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
        packet.AddRange(newBody);
        return [.. packet];
    }
}
