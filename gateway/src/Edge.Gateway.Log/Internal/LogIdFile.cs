using System.Security.Cryptography;

namespace Edge.Gateway.Log.Internal;

/// <summary>
/// The log's incarnation id (<c>log.id</c>, a <see cref="SmallFile"/> with magic "ELID"): 16 random bytes created
/// with the log and never changed. A wiped or replaced data directory gets a new one, so (log id, offset) names a
/// record uniquely even though a new log's offsets start at 0 again.
/// </summary>
internal static class LogIdFile
{
    public const string FileName = "log.id";
    private const uint Magic = 0x44494C45; // "ELID" little-endian

    /// <summary>
    /// Reads the id (32 lowercase hex digits), creating it durably if absent or corrupt (<paramref name="corrupt"/>):
    /// a new id only makes records sent again under it look new to a consumer (duplicates, never a collision).
    /// </summary>
    public static string ReadOrCreate(string directory, out bool created, out bool corrupt)
    {
        byte[]? body = SmallFile.Read(directory, FileName, Magic, 16, out corrupt);
        created = body is null;
        if (body is null)
        {
            body = RandomNumberGenerator.GetBytes(16);
            SmallFile.Write(directory, FileName, Magic, body);
        }

        return Convert.ToHexStringLower(body);
    }
}
