using System.Diagnostics;

namespace Refinery.EndToEndTests;

/// <summary>The end-to-end harness itself: a `refinery serve` it starts never outlives the test that started it.</summary>
public sealed class RefineryProcessTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("refinery-process-").FullName;
    private readonly string _marker = Guid.NewGuid().ToString("N");

    /// <summary>The embedded default (in-memory bus, SQLite, files) with a marker only this test's host carries.</summary>
    private Dictionary<string, string?> Configuration() => new()
    {
        ["Refinery:DataDir"] = _dataDir,
        ["Refinery:TestMarker"] = _marker,
    };

    [Fact]
    public async Task Dispose_KillsTheHost()
    {
        await using var host = await RefineryProcess.StartAsync("signals", Configuration());
        Assert.Equal([host.Id], MarkedProcesses());

        await host.DisposeAsync();

        Assert.Empty(MarkedProcesses());
    }

    [Fact]
    public async Task AHostNotReadyInTime_IsKilledBeforeTheStartThrows()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => RefineryProcess.StartAsync("signals", Configuration(), readiness: TimeSpan.Zero));

        Assert.Empty(MarkedProcesses());
    }

    /// <summary>Running processes whose environment holds this test's marker, read from /proc.</summary>
    private List<int> MarkedProcesses()
    {
        var entry = $"Refinery__TestMarker={_marker}";
        var found = new List<int>();
        foreach (var process in Process.GetProcesses())
        {
            using (process)
            {
                try
                {
                    if (process.HasExited) continue;
                    var environment = File.ReadAllText($"/proc/{process.Id}/environ").Split('\0');
                    if (environment.Contains(entry)) found.Add(process.Id);
                }
                // Gone or not ours to read: not a process of this test.
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException) { }
            }
        }
        return found;
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
