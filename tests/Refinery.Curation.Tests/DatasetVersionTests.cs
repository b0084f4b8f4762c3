using Microsoft.Extensions.DependencyInjection;
using System.Text;
using System.Text.Json;
using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Ingestion;
using Refinery.Curation.Pipeline;
using Refinery.Quality.Formats;
using Refinery.Storage;
using Refinery.TestSupport;
using static Refinery.Curation.Tests.GoldenSignals;

namespace Refinery.Curation.Tests;

/// <summary>Dataset versions cut by the curation service from the golden corpus (three shards with their signals).</summary>
public sealed class DatasetVersionTests
{
    private const string Corpus = "golden-dev";

    private static async Task PutCorpusAsync(IObjectStore store) =>
        await CorpusShards.PutAsync(store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);

    private static async Task<DatasetVersionCreated> CreateAsync(ServiceTestHost host, CreateDatasetVersion request, int expected = 1)
    {
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion), request);
        return (await host.PublishedAsync<DatasetVersionCreated>(expected))[expected - 1];
    }

    private static async Task<List<JsonElement>> DocumentsAsync(IObjectStore store, ManifestReader.VerifiedManifest manifest)
    {
        var documents = new List<JsonElement>();
        await foreach (var document in VersionReader.DocumentsAsync(store, manifest)) documents.Add(document);
        return documents;
    }

    private static async Task<ushort[]> TokensAsync(IObjectStore store, ManifestReader.VerifiedManifest manifest, string folder)
    {
        var tokens = new List<ushort>();
        foreach (var file in manifest.Files.Where(f => f.Path.StartsWith(folder, StringComparison.Ordinal)).OrderBy(f => f.Path))
        {
            using var bytes = new MemoryStream();
            await using (var raw = await store.OpenReadAsync(manifest.Prefix + file.Path)) await raw.CopyToAsync(bytes);
            for (var i = 0; i + 1 < bytes.Length; i += 2) tokens.Add(BitConverter.ToUInt16(bytes.GetBuffer(), i));
        }
        return tokens.ToArray();
    }

    [Fact]
    public async Task GopherRulesPass_WritesTheKeptDocuments_TheirByteTokens_AndAManifestThatChecksOut()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var requestId = Guid.NewGuid();

        var created = await CreateAsync(host, new CreateDatasetVersion
        {
            Dataset = "golden-gopher", Corpora = [Corpus], Recipe = "gopher-rules-pass", Tokenizer = TokenizerKind.Bytes, ValidationFraction = 0.1,
            Description = "A test of the golden documents.", RequestId = requestId,
        });
        Assert.Equal(requestId, created.RequestId); // carried through every part to the finish

        var manifest = await ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None);
        var recipe = Recipes.Recipe.Load("gopher-rules-pass");
        var none = new Dictionary<Recipes.QuantileExpr, double>();
        var expectedIds = Facts(recipe).Where(f => recipe.Decide(f, none).Kept).Select(f => f.Id).ToList();
        var documents = await DocumentsAsync(host.Store, manifest);
        Assert.Equal(expectedIds, documents.Select(d => d.GetProperty("id").GetString()!));
        Assert.Equal((1390L, expectedIds.Count), (created.Documents, (int)created.KeptDocuments));

        // Byte tokens: each document's UTF-8 bytes and an end-of-text 256, in the train or the validation part by its id.
        var train = await TokensAsync(host.Store, manifest, "tokens/");
        var validation = await TokensAsync(host.Store, manifest, "validation/");
        byte[] Bytes(JsonElement d) => Encoding.UTF8.GetBytes(d.GetProperty("text").GetString()!);
        var expectedTrain = documents.Where(d => !PartCurator.InValidation(d.GetProperty("id").GetString()!, 0.1)).SelectMany(d => Bytes(d).Select(b => (ushort)b).Append((ushort)256));
        var expectedValidation = documents.Where(d => PartCurator.InValidation(d.GetProperty("id").GetString()!, 0.1)).SelectMany(d => Bytes(d).Select(b => (ushort)b).Append((ushort)256));
        Assert.Equal(expectedTrain, train);
        Assert.Equal(expectedValidation, validation);
        Assert.NotEmpty(validation);
        Assert.Equal((train.Length, validation.Length), ((int)created.Tokens, (int)created.ValidationTokens));

        var root = manifest.Root;
        Assert.Equal(created.Version, root.GetProperty("version").GetString());
        Assert.Equal(recipe.Sha256, root.GetProperty("recipe").GetProperty("sha256").GetString());
        Assert.Equal(3, root.GetProperty("parents").GetProperty("corpora")[0].GetProperty("shards").GetArrayLength());
        var rules = root.GetProperty("counts").GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(1390 - expectedIds.Count, rules.Sum(r => r.GetProperty("removed_documents").GetInt64()));
        Assert.Equal(9, manifest.Files.Count); // three parts × documents, tokens, validation
        Assert.Matches("^[0-9a-f]{40}$", root.GetProperty("code").GetProperty("commit").GetString()!);

        var datasheet = await TextAsync(host.Store, manifest.Prefix + "datasheet.md");
        Assert.Contains("## Composition", datasheet);
        Assert.Contains("A test of the golden documents.", datasheet);
        Assert.Contains($"| word_count | doc | {rules[0].GetProperty("removed_documents").GetInt64():N0} |", datasheet);
        var stats = JsonDocument.Parse(await TextAsync(host.Store, manifest.Prefix + "stats.json")).RootElement;
        var words = stats.GetProperty("histograms").GetProperty("rps_doc_word_count");
        Assert.Equal(1390, words.GetProperty("before").EnumerateArray().Sum(b => b.GetInt64()) + words.GetProperty("null_before").GetInt64());
        Assert.Equal(expectedIds.Count, words.GetProperty("after").EnumerateArray().Sum(b => b.GetInt64()));
        Assert.StartsWith("<svg", await TextAsync(host.Store, manifest.Prefix + "stats/rps_doc_word_count.svg"));
    }

    private static async Task<string> TextAsync(IObjectStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        return await new StreamReader(stream).ReadToEndAsync();
    }

    [Fact]
    public async Task TheSameRequest_ReturnsTheSameVersion_AndAnotherRecipeAnother()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var request = new CreateDatasetVersion { Dataset = "golden", Corpora = [Corpus], Recipe = "none", Tokenizer = TokenizerKind.Gpt2 };

        var first = await CreateAsync(host, request);
        // Every part and finish command of the first version consumed: the requests below find it finished.
        await host.QuiescentAsync();
        var again = await CreateAsync(host, request, expected: 2);
        var other = await CreateAsync(host, request with { Recipe = "c4" }, expected: 3);

        Assert.Equal(first, again);
        Assert.Equal(3, host.Harness.Consumed.Select<CurateDatasetPart>().Count(c => c.Context.Message.JobId == host.Harness.Consumed
            .Select<CurateDatasetPart>().First().Context.Message.JobId)); // the first version's parts were written once
        Assert.NotEqual(first.Version, other.Version);
        Assert.Equal(1390, first.KeptDocuments);
        Assert.True(other.KeptDocuments < first.KeptDocuments);
        // GPT-2 ids: one end-of-text (50256) per kept document.
        var manifest = await ManifestReader.ReadVerifiedAsync(host.Store, first.Manifest, CancellationToken.None);
        var tokens = (await TokensAsync(host.Store, manifest, "tokens/")).Concat(await TokensAsync(host.Store, manifest, "validation/")).ToList();
        Assert.Equal(1390, tokens.Count(t => t == 50256));
    }

    [Fact]
    public async Task ADamagedPart_IsDetected_WhenTheManifestIsRead()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var created = await CreateAsync(host, new CreateDatasetVersion { Dataset = "golden", Corpora = [Corpus], Recipe = "none", Tokenizer = TokenizerKind.Bytes });
        var manifest = await ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None);

        await host.Store.PutAsync(manifest.Prefix + "tokens/00001.bin", new MemoryStream([1, 2, 3]));

        var error = await Assert.ThrowsAsync<Hosting.Bus.PermanentFailureException>(() =>
            ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None));
        Assert.Contains("tokens/00001.bin is not the object recorded", error.Message);
    }

    [Fact]
    public async Task ARecipeThatDoesNotParse_FailsWithTheReason()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion),
            new CreateDatasetVersion { Dataset = "bad", Corpora = [Corpus], Recipe = "keep doc when rps_doc_wordcount > 5" });

        var failed = Assert.Single(await host.PublishedAsync<DatasetVersionFailed>(1, faultsExpected: true));
        Assert.Equal(("bad", "request", ""), (failed.Dataset, failed.Step, failed.Version));
        Assert.Contains("recipe:1:15: unknown signal 'rps_doc_wordcount'", failed.Reason);
    }

    [Fact]
    public async Task ACorpusIngestedWithNoDocumentShards_IsRefusedAtOnce()
    {
        await using var host = await CurationTestHost.StartAsync();
        // Every record was rejected: the ingestion ended with no shards.
        await Storage.CorpusObjects.WriteIngestionAsync(host.Store, new CorpusIngestionState
        {
            CorpusId = CorpusNames.IdOf("nothing-here"), Corpus = "nothing-here", Generation = 1, Stage = CorpusIngestionStage.Ingested,
        }, CancellationToken.None);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion),
            new CreateDatasetVersion { Dataset = "empty", Corpora = ["nothing-here"], Recipe = "none" });

        var failed = Assert.Single(await host.PublishedAsync<DatasetVersionFailed>(1, faultsExpected: true));
        Assert.Equal(("request", "request: corpus 'nothing-here' has no document shards"), (failed.Step, failed.Reason));
    }

    [Fact]
    public async Task DedupOnly_RemovesTheClusterMembersDedupDoesNotKeep()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var ids = Records.Select(r => r.GetProperty("id").GetString()!).ToList();
        var drop = ids.Where((_, i) => i % 7 == 3).ToHashSet();
        using var clusters = new MemoryStream();
        await ClustersFile.WriteAsync(clusters, ids.Select((id, i) => new ClusterRow(id, (ulong)i, 0, i % 2 == 0 ? "exact" : "near", !drop.Contains(id), null)).ToList());
        clusters.Position = 0;
        await host.Store.PutAsync($"dedup/{Corpus}/rpv2-0.8/clusters.parquet", clusters);

        var created = await CreateAsync(host, new CreateDatasetVersion { Dataset = "deduped", Corpora = [Corpus], Recipe = "dedup-only", Tokenizer = TokenizerKind.Bytes });

        var manifest = await ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None);
        Assert.Equal(ids.Where(id => !drop.Contains(id)), (await DocumentsAsync(host.Store, manifest)).Select(d => d.GetProperty("id").GetString()!));
        Assert.Equal("dedup/golden-dev/rpv2-0.8/clusters.parquet",
            manifest.Root.GetProperty("parents").GetProperty("dedup")[0].GetProperty("clusters").GetProperty("key").GetString());
    }

    [Fact]
    public async Task APartWhoseSignalsBelongToAnotherShard_FailsTheVersion_WithAnEventNamingTheFiles()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        await using (var first = await host.Store.OpenReadAsync($"signals/{Corpus}/00000.rpv2.parquet"))
        {
            using var copy = new MemoryStream();
            await first.CopyToAsync(copy);
            copy.Position = 0;
            await host.Store.PutAsync($"signals/{Corpus}/00001.rpv2.parquet", copy);
        }

        var requestId = Guid.NewGuid();
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion),
            new CreateDatasetVersion { Dataset = "misaligned", Corpora = [Corpus], Recipe = "none", Tokenizer = TokenizerKind.Bytes, RequestId = requestId });

        var failed = Assert.Single(await host.PublishedAsync<DatasetVersionFailed>(1, faultsExpected: true));
        Assert.Equal(("misaligned", "part 1", requestId), (failed.Dataset, failed.Step, failed.RequestId));
        Assert.StartsWith("part 1: signals/golden-dev/00001.rpv2.parquet holds ", failed.Reason);
        Assert.Contains("where docs/golden-dev/00001.jsonl.zst has ", failed.Reason);
        Assert.False(host.Harness.Published.Select<DatasetVersionCreated>().Any());
    }

    [Fact]
    public async Task TwoFinishersOfOneVersion_WriteTheSameManifest_SoTheRecordedChecksumHolds()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var created = await CreateAsync(host, new CreateDatasetVersion { Dataset = "twice", Corpora = [Corpus], Recipe = "c4", Tokenizer = TokenizerKind.Bytes });
        var jobId = host.Harness.Consumed.Select<CurateDatasetPart>().First().Context.Message.JobId;

        // A second finisher, later: what it writes must be what the first recorded.
        await using var scope = host.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<Data.CurationCatalog>();
        var job = (await catalog.FindJobAsync(jobId, CancellationToken.None))!;
        var parts = await catalog.PartsAsync(jobId, CancellationToken.None);
        var again = await host.Services.GetRequiredService<VersionFinisher>().FinishAsync(job, parts, DateTime.UtcNow.AddHours(1), CancellationToken.None);

        Assert.Equal(created.Manifest.Sha256, again.ManifestSha256);
        await ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None);
    }
}
