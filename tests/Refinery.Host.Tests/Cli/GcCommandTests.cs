using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Curation.Data;
using Refinery.Curation.Domain;
using Refinery.Host.Cli;
using Refinery.Host.Targets;
using Refinery.Storage;

namespace Refinery.Host.Tests.Cli;

/// <summary>`refinery gc` on an embedded data directory: a finished version's ranking files are reported by a dry run,
/// left in place, and deleted by a real run; the version's other files stay.</summary>
public sealed class GcCommandTests : IAsyncLifetime
{
    private const string RankKey = "datasets/swept/0123456789ab/ranks/0.0/00000.f64";
    private const string ManifestKey = "datasets/swept/0123456789ab/manifest.json";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"refinery-gc-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        // Start curation once so its catalog exists, record a finished version, and write its files.
        await using var app = RefineryApp.Build(TargetCatalog.Parse("curation"), [], new Dictionary<string, string?> { ["Refinery:DataDir"] = _dataDir });
        await app.StartAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CurationDbContext>();
            db.Jobs.Add(new DatasetJob { Id = Guid.NewGuid(), Dataset = "swept", Version = "0123456789ab", Status = DatasetJobStatus.Done, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        var store = app.Services.GetRequiredService<IObjectStore>();
        await store.PutAsync(RankKey, new MemoryStream(new byte[24]));
        await store.PutAsync(ManifestKey, new MemoryStream("{}"u8.ToArray()));
        await app.StopAsync();
        await Task.Delay(1100); // the folder store stamps puts anywhere within the current second
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private async Task<(int Exit, string Output)> GcAsync(params string[] args)
    {
        var output = new StringWriter();
        var exit = await GcCommand.Create().Parse([.. args, "--data-dir", _dataDir, "--targets", "dedup,curation"])
            .InvokeAsync(new InvocationConfiguration { Output = output });
        return (exit, output.ToString());
    }

    private bool Exists(string key) => File.Exists(Path.Combine(_dataDir, "objects", "refinery", key));

    [Fact]
    public async Task DryRunJson_ReportsWhatWouldBeDeletedPerService_AndDeletesNothing()
    {
        var (exit, output) = await GcAsync("--dry-run", "--json", "--grace", "0");

        Assert.Equal(0, exit);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.True(report.GetProperty("dryRun").GetBoolean());
        var services = report.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("service").GetString()!);
        Assert.Equal(["curation", "dedup"], services.Keys.Order());
        var curation = services["curation"];
        Assert.Equal((1, 24L), (curation.GetProperty("count").GetInt32(), curation.GetProperty("bytes").GetInt64()));
        Assert.Equal(RankKey, curation.GetProperty("objects")[0].GetProperty("key").GetString());
        Assert.Equal(JsonValueKind.Null, curation.GetProperty("error").ValueKind);
        Assert.True(Exists(RankKey));
        Assert.True(Exists(ManifestKey));
    }

    [Fact]
    public async Task ARun_DeletesTheRankingFiles_AndKeepsTheVersion()
    {
        var (exit, output) = await GcAsync("--grace", "0s");

        Assert.Equal(0, exit);
        Assert.Contains("curation: deleted 1 objects, 24 bytes", output);
        Assert.False(Exists(RankKey));
        Assert.True(Exists(ManifestKey));
    }

    [Fact]
    public async Task TheDefaultGrace_KeepsObjectsWrittenAMomentAgo()
    {
        var (exit, output) = await GcAsync("--json");

        Assert.Equal(0, exit);
        Assert.Equal(0, JsonDocument.Parse(output).RootElement.GetProperty("services").EnumerateArray().Sum(s => s.GetProperty("count").GetInt32()));
        Assert.True(Exists(RankKey));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 172800)]
    [InlineData("01:00:00", 3600)]
    [InlineData("0", 0)]
    public void Durations_ParseInTheirUnits(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), GcCommand.ParseDuration(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("1y")]
    [InlineData("-01:00:00")]
    public void NonsenseDurations_AreRefused(string text) => Assert.Null(GcCommand.ParseDuration(text));
}
