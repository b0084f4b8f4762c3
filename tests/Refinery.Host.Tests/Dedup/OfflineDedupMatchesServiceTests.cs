using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup;
using Refinery.Host.Dedup;
using Refinery.TestSupport;
using Refinery.Text.Dedup;

namespace Refinery.Host.Tests.Dedup;

/// <summary>`refinery dedup` on local files and the Dedup service on the same documents as shards must agree row for
/// row and figure for figure: the CLI fingerprints the texts itself while the service reads the bands of the signal
/// shards, but both link, keep and label with the same code.</summary>
public sealed class OfflineDedupMatchesServiceTests : IDisposable
{
    private static readonly string[] DevDocuments = ["dedup", "dev_neardup_docs.jsonl.gz"];
    private readonly string _dir = Directory.CreateTempSubdirectory("refinery-offline-vs-service-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("first")]
    [InlineData("longest")]
    public async Task TheCli_AndTheService_GiveTheSameClusters_AndTheSameFigures(string keep)
    {
        var documents = await CorpusShards.ReadAsync(DevDocuments);
        await using var host = await ServiceTestHost.StartAsync("dedup", new Dictionary<string, string?> { ["Refinery:Dedup:Partitions"] = "3" },
            b => b.AddDedupService(), DedupServiceExtensions.AddConsumers);
        await CorpusShards.PutAsync(host.Store, "dev", documents, shards: 3);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.DeduplicateCorpus), new DeduplicateCorpus { Corpus = "dev", Threshold = 0.8, Keep = KeepPolicy.Parse(keep) });
        var done = Assert.Single(await host.PublishedAsync<CorpusDeduplicated>(1));
        var service = (await CorpusShards.ClustersAsync(host.Store, done.Clusters))
            .Select(r => (r.Id, r.ClusterId, r.Kind, r.Keep)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();

        var output = Path.Combine(_dir, "clusters.jsonl");
        var summary = await OfflineDedup.RunAsync(new OfflineDedup.Settings([SharedData.Path(DevDocuments)], output, 0.8, Exact: true,
            Keep: new KeepRule(KeepPolicy.Parse(keep)), WorkDir: _dir), _ => { }, CancellationToken.None);
        var offline = File.ReadLines(output).Select(line => JsonDocument.Parse(line).RootElement)
            .Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("cluster_id").GetUInt64(), r.GetProperty("kind").GetString()!,
                r.GetProperty("keep").GetBoolean()))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ToList();

        Assert.True(service.Count > 100, $"only {service.Count} clustered documents: the labelled set has many near copies");
        Assert.Contains(service, r => r.Kind == "exact");
        Assert.Contains(service, r => r.Kind == "near");
        Assert.Equal(service, offline);
        Assert.Equal(
            (done.Documents, done.ClusterCount, done.ClusteredDocuments, done.Removed, done.ExactDuplicates),
            (summary.Documents, summary.Clusters, summary.ClusteredDocuments, summary.Removed, summary.ExactDuplicates));
    }
}
