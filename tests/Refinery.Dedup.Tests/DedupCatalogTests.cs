using Microsoft.Extensions.DependencyInjection;
using Refinery.Dedup.Data;
using Refinery.Dedup.Domain;

namespace Refinery.Dedup.Tests;

/// <summary>The compare-and-swap that keeps two jobs from losing each other's index keys.</summary>
public sealed class DedupCatalogTests
{
    private static ExactIndexPartition Version(long version, long keys) =>
        new() { Partition = 7, Version = version, Key = $"dedup/index/exact/07/{version}", Sha256 = new string('a', 64), Length = keys * 32, Keys = keys };

    private static DedupPartition Partition(Guid job) => new() { JobId = job, Partition = 0, Key = "edges", Sha256 = new string('b', 64) };

    [Fact]
    public async Task ACommitFromAStaleIndexVersion_IsRefused_AndRecordsNothing()
    {
        await using var host = await DedupTestHost.StartAsync();
        await using var scope = host.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<DedupCatalog>();
        var (jobA, jobB, jobC) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        Assert.True(await catalog.CommitPartitionAsync(Partition(jobA), [(0, Version(1, 10))], CancellationToken.None));
        // B read the partition before A created it, C after: both race for version 2 from version 1.
        Assert.False(await catalog.CommitPartitionAsync(Partition(jobB), [(0, Version(1, 12))], CancellationToken.None));
        Assert.True(await catalog.CommitPartitionAsync(Partition(jobC), [(1, Version(2, 15))], CancellationToken.None));
        Assert.False(await catalog.CommitPartitionAsync(Partition(jobB), [(1, Version(2, 14))], CancellationToken.None));

        Assert.Equal(15, (await catalog.IndexPartitionsAsync("normalized", [7], CancellationToken.None))[7].Keys);
        Assert.False(await catalog.HasPartitionAsync(jobB, 0, CancellationToken.None));
        Assert.True(await catalog.HasPartitionAsync(jobC, 0, CancellationToken.None));
    }

    [Fact]
    public async Task APartitionCommittedTwice_IsRefusedTheSecondTime()
    {
        await using var host = await DedupTestHost.StartAsync();
        await using var scope = host.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<DedupCatalog>();
        var job = Guid.NewGuid();

        Assert.True(await catalog.CommitPartitionAsync(Partition(job), [], CancellationToken.None));
        Assert.False(await catalog.CommitPartitionAsync(Partition(job), [], CancellationToken.None));
    }

    [Fact]
    public async Task OfTwoConsumersFindingEveryShardHashed_OnlyOneStartsLinking()
    {
        await using var host = await DedupTestHost.StartAsync();
        var job = Guid.NewGuid();
        await using (var scope = host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DedupCatalog>().AddJobAsync(
                new DedupJob { Id = job, Corpus = "golden-dev", Config = "rpv2-0.8", CreatedAt = DateTime.UtcNow }, CancellationToken.None);

        // Each consumer has its own scope (its own DbContext and connection), as two deliveries do.
        async Task<bool> StartLinkingAsync()
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<DedupCatalog>().StartLinkingAsync(job, CancellationToken.None);
        }
        var together = await Task.WhenAll(StartLinkingAsync(), StartLinkingAsync());

        Assert.Single(together, started => started);
        Assert.False(await StartLinkingAsync());
    }
}
