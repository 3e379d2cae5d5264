using Edge.Gateway.Commands;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Commands;

/// <summary>The anonymous devices a gateway has seen, alone on real files: kept across a reopen, aged, bounded, a damaged file set aside.</summary>
public sealed class SeenDevicesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("edge-seen-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task SeenAsync_ThenReopen_KnownAfterReopenProvisionedNotKept()
    {
        using (var seen = Open(provisioned: id => id == "prov-1"))
        {
            await seen.SeenAsync("anon-1");
            await seen.SeenAsync("prov-1");
            Assert.True(seen.Contains("anon-1"));
        }

        using var reopened = Open();
        Assert.True(reopened.Contains("anon-1"));
        Assert.False(reopened.Contains("prov-1")); // known from devices.json, not from here
        Assert.False(reopened.Contains("never"));
        Assert.Equal(1, reopened.Count);
    }

    [Fact]
    public async Task Contains_NotConnectedForMaxAge_ForgottenAlsoAfterReopen()
    {
        using (var seen = Open())
        {
            await seen.SeenAsync("old");
            seen.Left("old");
            _time.Advance(TimeSpan.FromHours(1));
            await seen.SeenAsync("recent");
            Assert.True(seen.Contains("old"));
            _time.Advance(TimeSpan.FromHours(1.5)); // old: 2.5 h since it left (limit 2 h); recent: 1.5 h
            Assert.False(seen.Contains("old"));
            Assert.True(seen.Contains("recent"));
        }

        using var reopened = Open();
        Assert.False(reopened.Contains("old"));
        Assert.True(reopened.Contains("recent"));
        Assert.Equal(1, reopened.Count);
    }

    [Fact]
    public async Task SeenAsync_MoreThanTheCap_LongestUnseenGoFirst()
    {
        using (var seen = Open(max: 3))
        {
            foreach (var id in new[] { "a", "b", "c", "d", "e" })
            {
                await seen.SeenAsync(id);
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            Assert.Equal(3, seen.Count);
        }

        using var reopened = Open(max: 3);
        Assert.Equal([false, false, true, true, true], new[] { "a", "b", "c", "d", "e" }.Select(reopened.Contains));
    }

    [Fact]
    public void Open_DamagedFile_SetAsideStartsEmpty()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, SeenDevices.FileName), "{\"version\":1,\"devices\":{\"a\":");

        using var seen = Open();

        Assert.Equal(0, seen.Count);
        Assert.True(File.Exists(Path.Combine(_dir.FullName, SeenDevices.FileName + ".damaged")));
    }

    private SeenDevices Open(int max = 100, Func<string, bool>? provisioned = null)
        => new(_dir.FullName, max, TimeSpan.FromHours(2), provisioned ?? (_ => false), _time, NullLogger.Instance);
}
