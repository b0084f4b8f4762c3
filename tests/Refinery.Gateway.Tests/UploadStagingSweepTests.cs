using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Uploads;
using Refinery.Hosting.Storage;

namespace Refinery.Gateway.Tests;

/// <summary>Staged parts a dead gateway left behind are swept once their request is older than
/// Refinery:Gateway:UploadStagingMaxAge (24 h by default); a request still within it, and any other key, are kept.</summary>
public sealed class UploadStagingSweepTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    [Fact]
    public async Task Sweep_DeletesStagedPartsOfOldRequestsOnly()
    {
        var now = DateTimeOffset.UtcNow;
        var abandoned = IngestionKeys.UploadStaging(IngestionKeys.UploadStagingPrefix(now.AddHours(-25), Guid.NewGuid()), 0);
        var uploading = IngestionKeys.UploadStaging(IngestionKeys.UploadStagingPrefix(now.AddHours(-23), Guid.NewGuid()), 0);
        const string foreign = "staging/uploads/not-a-request/00000";
        var stamps = new List<DateTimeOffset>();
        foreach (var key in new[] { abandoned, uploading, foreign, "raw/kept/a.jsonl" })
        {
            await gateway.Store.PutAsync(key, new MemoryStream("x"u8.ToArray()));
            stamps.Add((await gateway.Store.StatAsync(key))!.LastModified);
        }
        // The folder store stamps a put with its second plus random sub-second ticks, so an object's time may be up to
        // a second ahead of the clock; the sweep (grace zero) keeps an object younger than "now". Wait until now passes
        // every stamp: a fixed short wait left the abandoned part unswept about one run in three.
        var newest = stamps.Max();
        while (DateTimeOffset.UtcNow <= newest) await Task.Delay(newest - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(10));

        await using var scope = gateway.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ObjectSweep>()
            .RunAsync(scope.ServiceProvider.GetRequiredService<UploadStagingSweepRule>(), new SweepSettings(TimeSpan.Zero, DryRun: false), default);

        Assert.Equal([abandoned], result.Swept.Select(s => s.Key));
        Assert.Null(await gateway.Store.StatAsync(abandoned));
        Assert.NotNull(await gateway.Store.StatAsync(uploading));
        Assert.NotNull(await gateway.Store.StatAsync(foreign));
        Assert.NotNull(await gateway.Store.StatAsync("raw/kept/a.jsonl"));
    }

    [Fact]
    public void StagingKeys_CarryTheirRequestsStartToTheSecond()
    {
        var started = new DateTimeOffset(2026, 12, 7, 10, 15, 30, TimeSpan.FromHours(2));
        var key = IngestionKeys.UploadStaging(IngestionKeys.UploadStagingPrefix(started, Guid.NewGuid()), 3);

        Assert.StartsWith("staging/uploads/20261207081530-", key);
        Assert.Equal(started, IngestionKeys.UploadStagingStarted(key));
        Assert.Null(IngestionKeys.UploadStagingStarted("raw/x/20261207081530-a"));
    }
}
