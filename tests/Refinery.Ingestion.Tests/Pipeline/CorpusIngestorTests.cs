using System.Text;
using System.Text.Json;
using Refinery.Contracts.Ingestion;
using Refinery.Ingestion.Domain;
using Refinery.Ingestion.Pipeline;
using Refinery.TestSupport;
using ZstdSharp;

namespace Refinery.Ingestion.Tests.Pipeline;

public sealed class CorpusIngestorTests(LanguageFixture languages) : IClassFixture<LanguageFixture>
{
    private static IngestCorpus Command(string corpus, int perShard, params string[] keys) => new()
    {
        CorpusId = CorpusNames.IdOf(corpus),
        Name = corpus,
        Sources = keys.Select(k => new SourceRef { Key = k }).ToArray(),
        Settings = new IngestSettings { ShardDocuments = perShard },
    };

    private static async Task<List<JsonElement>> ReadShardAsync(TempPipeline pipeline, string key)
    {
        await using var raw = await pipeline.Store.OpenReadAsync(key);
        await using var zstd = new DecompressionStream(raw);
        using var reader = new StreamReader(zstd);
        var docs = new List<JsonElement>();
        while (await reader.ReadLineAsync() is { } line) docs.Add(JsonDocument.Parse(line).RootElement.Clone());
        return docs;
    }

    [Fact]
    public async Task RealJsonl_IsCutIntoShardsOfTheConfiguredSize_WithLanguages()
    {
        using var pipeline = new TempPipeline(languages);
        var key = await pipeline.UploadAsync("cc", SharedData.Path("web", "dev_dolma_cc_licensed_pages.jsonl.gz"));
        var shards = new List<ShardWritten>();

        var summary = await pipeline.Ingestor.RunAsync(Command("cc", 100, key), s => { shards.Add(s); return Task.CompletedTask; }, default);

        // 372 records, 17 of which have "text": "" (quarantined as empty_text).
        Assert.Equal(355, summary.Accepted);
        Assert.Equal(17, summary.RejectedByReason["empty_text"]);
        Assert.Equal(372, summary.Read);
        Assert.Equal(4, summary.ShardCount);
        Assert.Equal([100, 100, 100, 55], shards.Select(s => s.DocumentCount));
        Assert.Equal("docs/cc/00003.jsonl.zst", shards[3].Documents.Key);
        // A multilingual sample: about half English, then Spanish and Italian.
        Assert.InRange(summary.Languages["en"], 150, 180);
        Assert.InRange(summary.Languages["es"], 45, 70);
        Assert.Equal("en", summary.Languages.MaxBy(l => l.Value).Key);
        var first = (await ReadShardAsync(pipeline, shards[0].Documents.Key))[0];
        Assert.Equal("blj5uzvcoa4iybpd5o6kom5nir6ngmoj", first.GetProperty("meta").GetProperty("source_id").GetString());
        Assert.Equal("http://16thfleet.wikidot.com/chatter:anewhome", first.GetProperty("url").GetString());
        Assert.StartsWith("A New Home?", first.GetProperty("text").GetString());
        Assert.Equal("en", first.GetProperty("lang").GetString());
        Assert.InRange(first.GetProperty("lang_score").GetDouble(), 0.5, 1.0);
    }

    [Fact]
    public async Task SameCommandTwice_GivesIdenticalShards()
    {
        using var pipeline = new TempPipeline(languages);
        var key = await pipeline.UploadAsync("twice", SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl"));
        var first = new List<ShardWritten>();
        var second = new List<ShardWritten>();

        await pipeline.Ingestor.RunAsync(Command("twice", 4, key), s => { first.Add(s); return Task.CompletedTask; }, default);
        await pipeline.Ingestor.RunAsync(Command("twice", 4, key), s => { second.Add(s); return Task.CompletedTask; }, default);

        Assert.Equal(3, first.Count);
        Assert.Equal(first.Select(s => (s.Documents.Key, s.Documents.Sha256)), second.Select(s => (s.Documents.Key, s.Documents.Sha256)));
    }

    [Fact]
    public async Task RerunWithLargerShards_RemovesTheStaleTail()
    {
        using var pipeline = new TempPipeline(languages);
        var key = await pipeline.UploadAsync("tail", SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl"));
        await pipeline.Ingestor.RunAsync(Command("tail", 2, key), _ => Task.CompletedTask, default);

        var summary = await pipeline.Ingestor.RunAsync(Command("tail", 100, key), _ => Task.CompletedTask, default);

        var keys = new List<string>();
        await foreach (var o in pipeline.Store.ListAsync("docs/tail/")) keys.Add(o.Key);
        Assert.Equal(1, summary.ShardCount);
        Assert.Equal(["docs/tail/00000.jsonl.zst"], keys);
    }

    [Fact]
    public async Task BadLines_AreQuarantinedWithReasons_AndCountsAddUp()
    {
        using var pipeline = new TempPipeline(languages);
        var content = Encoding.UTF8.GetBytes(string.Join('\n',
            """{"id": 1, "text": "The first good document is written in plain English prose."}""",
            """{"id": 2, "text": """,
            """[1, 2, 3]""",
            """{"id": 4, "body": "no text field"}""",
            """{"id": 5, "text": "Another good document, also in English, for the count."}""") + "\n");
        var key = await pipeline.UploadAsync("bad", "mixed.jsonl", content);

        var summary = await pipeline.Ingestor.RunAsync(Command("bad", 10, key), _ => Task.CompletedTask, default);

        Assert.Equal(2, summary.Accepted);
        Assert.Equal(3, summary.Rejected);
        Assert.Equal(5, summary.Read);
        Assert.Equal(1, summary.RejectedByReason["malformed_json"]);
        Assert.Equal(1, summary.RejectedByReason["not_an_object"]);
        Assert.Equal(1, summary.RejectedByReason["missing_text"]);
        await using var quarantine = await pipeline.Store.OpenReadAsync(IngestionKeys.Quarantine("bad", "mixed.jsonl"));
        var lines = (await new StreamReader(quarantine).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([2L, 3L, 4L], lines.Select(l => l.GetProperty("position").GetInt64()));
        Assert.All(lines, l => Assert.Equal("mixed.jsonl", l.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task SourcesWhoseFlattenedNamesWouldMeet_EachKeepEveryRejectedRecord()
    {
        using var pipeline = new TempPipeline(languages);
        static byte[] Lines(int bad) => Encoding.UTF8.GetBytes(string.Join('\n',
            Enumerable.Range(0, bad).Select(i => $"[{i}]").Append("""{"text": "A good document in plain English prose, for the count."}""")) + "\n");
        var names = new[] { "qa_b/c.jsonl", "qa/b_c.jsonl", "qa~2fb_c.jsonl", "qa~b/c.jsonl" };
        var keys = new List<string>();
        for (var i = 0; i < names.Length; i++) keys.Add(await pipeline.UploadAsync("clash", names[i], Lines(i + 1)));

        var summary = await pipeline.Ingestor.RunAsync(Command("clash", 10, [.. keys]), _ => Task.CompletedTask, default);

        Assert.Equal(names.Length, names.Select(n => IngestionKeys.Quarantine("clash", n)).Distinct().Count());
        foreach (var source in summary.Sources)
        {
            await using var quarantine = await pipeline.Store.OpenReadAsync(IngestionKeys.Quarantine("clash", source.Source));
            var records = (await new StreamReader(quarantine).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(source.Rejected, records.Count);
            Assert.All(records, r => Assert.Equal(source.Source, r.GetProperty("source").GetString()));
        }
        Assert.Equal([1L, 2L, 3L, 4L], summary.Sources.Select(s => s.Rejected));
    }

    [Fact]
    public async Task MissingSourceObject_IsQuarantined_NotFatal()
    {
        using var pipeline = new TempPipeline(languages);

        var summary = await pipeline.Ingestor.RunAsync(Command("gone", 10, "raw/gone/nothing.jsonl"), _ => Task.CompletedTask, default);

        Assert.Equal(0, summary.Accepted);
        Assert.Equal(1, summary.RejectedByReason["unreadable_source"]);
    }

    [Fact]
    public async Task DocumentIds_AreStableAndDistinctAcrossSources()
    {
        using var pipeline = new TempPipeline(languages);
        var a = await pipeline.UploadAsync("ids", SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl"), "a.jsonl");
        var b = await pipeline.UploadAsync("ids", SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl"), "b.jsonl");
        var shards = new List<ShardWritten>();

        await pipeline.Ingestor.RunAsync(Command("ids", 100, a, b), s => { shards.Add(s); return Task.CompletedTask; }, default);

        var docs = await ReadShardAsync(pipeline, shards.Single().Documents.Key);
        Assert.Equal(20, docs.Count);
        Assert.Equal(20, docs.Select(d => d.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(DocumentIds.Of("a.jsonl", 1), docs[0].GetProperty("id").GetString());
        Assert.Equal("b.jsonl", docs[10].GetProperty("source").GetString());
    }
}
