using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Pipeline;
using Refinery.Storage;
using Refinery.TestSupport;

namespace Refinery.Curation.Tests;

/// <summary>Mixture versions: seeded sampling of whole documents from finished versions to a token budget.</summary>
public sealed class MixtureTests
{
    private static async Task<DatasetVersionCreated> AwaitAsync(ServiceTestHost host, Func<DatasetVersionCreated, bool> which)
    {
        for (var wait = 0; wait < 600; wait++)
        {
            if ((await host.PublishedAsync<DatasetVersionCreated>(1)).LastOrDefault(which) is { } e) return e;
            await Task.Delay(100);
        }
        throw new TimeoutException("no DatasetVersionCreated");
    }

    private static async Task<ushort[]> ReadTokensAsync(IObjectStore store, string key)
    {
        using var bytes = new MemoryStream();
        await using (var raw = await store.OpenReadAsync(key)) await raw.CopyToAsync(bytes);
        return Enumerable.Range(0, (int)bytes.Length / 2).Select(i => BitConverter.ToUInt16(bytes.GetBuffer(), 2 * i)).ToArray();
    }

    [Fact]
    public async Task AMixture_TakesEachComponentsShareInWholeDocuments_UpsamplingWhenShort_AndRecordsItsLineage()
    {
        await using var host = await CurationTestHost.StartAsync();
        await CorpusShards.PutAsync(host.Store, "golden-dev", await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion),
            new CreateDatasetVersion { Dataset = "clean", Corpora = ["golden-dev"], Recipe = "gopher-rules-pass", Tokenizer = TokenizerKind.Bytes });
        var clean = await AwaitAsync(host, e => e.Dataset == "clean");
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion),
            new CreateDatasetVersion { Dataset = "raw", Corpora = ["golden-dev"], Recipe = "none", Tokenizer = TokenizerKind.Bytes });
        var raw = await AwaitAsync(host, e => e.Dataset == "raw");
        // Equal weights, each half between the two versions' sizes: the clean half needs a second epoch, the raw one not.
        Assert.True(raw.Tokens > clean.Tokens);
        var half = (clean.Tokens + raw.Tokens) / 2;
        var request = new CreateDatasetMixture
        {
            Dataset = "mix", TokenBudget = 2 * half, Seed = 7,
            Components = [new MixtureComponent("clean", clean.Version, 1), new MixtureComponent("raw", raw.Version, 1)],
        };

        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetMixture), request);
        var mix = await AwaitAsync(host, e => e.Dataset == "mix");

        var manifest = await ManifestReader.ReadVerifiedAsync(host.Store, mix.Manifest, CancellationToken.None);
        var parents = manifest.Root.GetProperty("parents").GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal([clean.Manifest.Sha256, raw.Manifest.Sha256], parents.Select(p => p.GetProperty("manifest_sha256").GetString()));
        Assert.Equal([2, 1], parents.Select(p => p.GetProperty("epochs").GetInt32()));
        var documents = new List<JsonElement>();
        await foreach (var d in VersionReader.DocumentsAsync(host.Store, manifest)) documents.Add(d);
        var taken = new long[2];
        var at = 0;
        for (var part = 0; part < 2; part++)
        {
            var target = half;
            var tokens = await ReadTokensAsync(host.Store, manifest.Prefix + $"tokens/{part:D5}.bin");
            var partDocuments = (int)parents[part].GetProperty("documents").GetInt64();
            // The tokens are the part's documents, whole and in order: each one's UTF-8 bytes and end-of-text.
            var expected = documents.Skip(at).Take(partDocuments)
                .SelectMany(d => Encoding.UTF8.GetBytes(d.GetProperty("text").GetString()!).Select(b => (ushort)b).Append((ushort)256)).ToArray();
            Assert.Equal(expected, tokens);
            var longest = documents.Skip(at).Take(partDocuments).Max(d => Encoding.UTF8.GetByteCount(d.GetProperty("text").GetString()!) + 1);
            Assert.InRange(tokens.Length, target, target + longest);
            taken[part] = tokens.Length;
            at += partDocuments;
        }
        Assert.InRange(taken[0] / (double)(taken[0] + taken[1]), 0.49, 0.51);
        Assert.Equal(taken.Sum(), mix.Tokens);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetMixture), request);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetMixture), request with { Seed = 8 });
        for (var wait = 0; wait < 600 && (await host.PublishedAsync<DatasetVersionCreated>(1)).Count(e => e.Dataset == "mix") < 3; wait++) await Task.Delay(100);
        var mixes = (await host.PublishedAsync<DatasetVersionCreated>(1)).Where(e => e.Dataset == "mix").ToList();
        Assert.Equal(3, mixes.Count);
        Assert.Equal(mix, mixes[1]); // the same request: the same version, announced again
        Assert.NotEqual(mix.Version, mixes[2].Version); // another seed: another sample
    }

    [Fact]
    public async Task ABudgetPastTheEpochLimit_IsRefusedBeforeAnyWork_NamingTheBudgetAndTheLargestThatFits()
    {
        await using var host = await CurationTestHost.StartAsync();
        await CorpusShards.PutAsync(host.Store, "budget-dev", await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 2);
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion),
            new CreateDatasetVersion { Dataset = "small", Corpora = ["budget-dev"], Recipe = "gopher-rules-pass", Tokenizer = TokenizerKind.Bytes });
        var clean = await AwaitAsync(host, e => e.Dataset == "small");

        // The probe's case: 10^12 tokens asked of a version of a few hundred thousand.
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetMixture), new CreateDatasetMixture
        {
            Dataset = "huge", TokenBudget = 1_000_000_000_000, Components = [new MixtureComponent("small", clean.Version, 1)],
        });

        var failed = Assert.Single(await host.PublishedAsync<DatasetVersionFailed>(1, faultsExpected: true), f => f.Dataset == "huge");
        Assert.Equal(("request", ""), (failed.Step, failed.Version));
        Assert.Contains("tokenBudget: ", failed.Reason);
        Assert.Contains($"more than {DatasetRequests.DefaultMaxMixtureEpochs} epochs of its {clean.Tokens:N0} training tokens", failed.Reason);
        Assert.Contains($"at most {clean.Tokens * DatasetRequests.DefaultMaxMixtureEpochs:N0} tokens", failed.Reason);
        await foreach (var written in host.Store.ListAsync("datasets/huge/")) Assert.Fail($"a refused mixture wrote {written.Key}");
    }

    [Fact]
    public void EachComponentsDraws_AreSeededTheSameInEveryProcess()
    {
        // Pinned: a seed that changed from process to process (HashCode.Combine does) would draw another sample after a
        // restart, for the same content-addressed version.
        Assert.Equal([-1165370133, 1819109488], [MixtureBuilder.ComponentSeed(7, 0), MixtureBuilder.ComponentSeed(7, 1)]);
        Assert.NotEqual(MixtureBuilder.ComponentSeed(7, 0), MixtureBuilder.ComponentSeed(7, 1));
        Assert.NotEqual(MixtureBuilder.ComponentSeed(7, 0), MixtureBuilder.ComponentSeed(8, 0));
    }
}
