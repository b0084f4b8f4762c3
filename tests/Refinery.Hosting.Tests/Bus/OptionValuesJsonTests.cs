using System.Text.Json;
using MassTransit.Serialization;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Options;
using Refinery.Contracts.Training;
using Xunit;

namespace Refinery.Hosting.Tests.Bus;

/// <summary>The option enums on the bus: the same strings messages carried when the options were strings.</summary>
public sealed class OptionValuesJsonTests
{
    // What AddRefineryBus gives MassTransit's serializer, on a copy: the process-wide options are read-only once another
    // test's bus has serialized with them, and changing them here would change every other test's bus.
    private static readonly JsonSerializerOptions Bus = ContractJson.Configure(new JsonSerializerOptions(SystemTextJsonMessageSerializer.Options));

    [Fact]
    public void Names_AreTheWireStrings()
    {
        Assert.Equal(["set", "bloom", "none"], OptionValues<ExactMode>.Names);
        Assert.Equal(["normalized", "raw", "url"], OptionValues<ExactKeyKind>.Names);
        Assert.Equal(["gpt2", "bytes"], OptionValues<TokenizerKind>.Names);
        Assert.Equal(["jsonl", "parquet", "warc", "wet", "text"], OptionValues<SourceFormat>.Names);
        Assert.Equal(["pretrain", "continue", "finetune"], OptionValues<TrainingKind>.Names);
        Assert.Equal(["cosine", "linear", "constant"], OptionValues<LearningRateSchedule>.Names);
        Assert.Equal(["first", "longest", "max", "min"], OptionValues<KeepKind>.Names);
        Assert.Equal(["tiny", "small", "reference"], OptionValues<ModelPreset>.Names);
        Assert.Equal(["ingesting", "ingested", "failed"], OptionValues<CorpusIngestionStage>.Names);
    }

    [Theory]
    [InlineData("first", KeepKind.First, null)]
    [InlineData("longest", KeepKind.Longest, null)]
    [InlineData("max:rps_doc_word_count", KeepKind.Max, "rps_doc_word_count")]
    [InlineData("min:ccnet_perplexity", KeepKind.Min, "ccnet_perplexity")]
    public void OldKeepString_ReadsAsItsPolicy_AndWritesTheSameString(string keep, KeepKind kind, string? signal)
    {
        var old = $$"""{"corpus":"web","threshold":0.8,"keep":"{{keep}}"}""";

        var message = JsonSerializer.Deserialize<DeduplicateCorpus>(old, Bus)!;

        Assert.Equal(new KeepPolicy(kind, signal), message.Keep);
        Assert.Equal(keep, JsonDocument.Parse(JsonSerializer.Serialize(message, Bus)).RootElement.GetProperty("keep").GetString());
    }

    [Theory]
    [InlineData("\"best\"", "'best' is not first, longest, max:SIGNAL or min:SIGNAL")]
    [InlineData("\"max:\"", "'max:' is not first, longest, max:SIGNAL or min:SIGNAL")]
    [InlineData("\"first:rps\"", "'first:rps' is not first, longest, max:SIGNAL or min:SIGNAL")]
    [InlineData("null", "a JSON null is not first, longest, max:SIGNAL or min:SIGNAL")]
    public void UnknownKeep_FailsSayingWhatIsAllowed(string value, string message)
    {
        var json = $$"""{"corpus":"web","threshold":0.8,"keep":{{value}}}""";

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DeduplicateCorpus>(json, Bus));

        Assert.Equal(message, error.Message);
        Assert.Equal("$.keep", error.Path);
    }

    [Fact]
    public void OldIngestionStateObject_ReadsItsStage()
    {
        // As ingestion writes ingestion/{corpus}.json (web defaults), before the stage was an enum.
        const string old = """{"corpusId":"0d8f2c56-8a0e-4d8b-a4a5-4a7a3a1f0c11","corpus":"web","generation":2,"stage":"ingested","shardCount":3}""";
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var state = JsonSerializer.Deserialize<CorpusIngestionState>(old, web)!;

        Assert.Equal((CorpusIngestionStage.Ingested, 3), (state.Stage, state.ShardCount));
        Assert.Equal("ingested", JsonDocument.Parse(JsonSerializer.Serialize(state, web)).RootElement.GetProperty("stage").GetString());
    }

    [Fact]
    public void OldStringMessage_ReadsAsTheEnums_AndWritesTheSameStrings()
    {
        const string old = """{"corpus":"web","threshold":0.8,"signalsConfig":"rpv2","exact":"bloom","exactKey":"url","keep":"first"}""";

        var message = JsonSerializer.Deserialize<DeduplicateCorpus>(old, Bus)!;

        Assert.Equal((ExactMode.Bloom, ExactKeyKind.Url), (message.Exact, message.ExactKey));
        var written = JsonDocument.Parse(JsonSerializer.Serialize(message, Bus)).RootElement;
        Assert.Equal("bloom", written.GetProperty("exact").GetString());
        Assert.Equal("url", written.GetProperty("exactKey").GetString());
    }

    [Fact]
    public void MessageWithoutOptions_GetsTheContractDefaults()
    {
        var dedup = JsonSerializer.Deserialize<DeduplicateCorpus>("""{"corpus":"web","threshold":0.8}""", Bus)!;
        var dataset = JsonSerializer.Deserialize<CreateDatasetVersion>("""{"dataset":"d","corpora":["web"],"recipe":"none"}""", Bus)!;

        Assert.Equal((ExactMode.Set, ExactKeyKind.Normalized), (dedup.Exact, dedup.ExactKey));
        Assert.Equal(TokenizerKind.Gpt2, dataset.Tokenizer);
        Assert.Equal("gpt2", JsonDocument.Parse(JsonSerializer.Serialize(dataset, Bus)).RootElement.GetProperty("tokenizer").GetString());
    }

    [Fact]
    public void OldIngestMessage_ReadsItsSourceFormats()
    {
        const string old = """{"corpusId":"0d8f2c56-8a0e-4d8b-a4a5-4a7a3a1f0c11","name":"web","sources":[{"key":"a.warc.gz","format":"warc"},{"key":"b.jsonl","format":null}]}""";

        var message = JsonSerializer.Deserialize<IngestCorpus>(old, Bus)!;

        Assert.Equal([SourceFormat.Warc, null], message.Sources.Select(s => s.Format));
    }

    [Theory]
    [InlineData("\"fast\"", "'fast' is not one of set, bloom, none")]
    [InlineData("\"Bloom\"", "'Bloom' is not one of set, bloom, none")]
    [InlineData("1", "a JSON number is not one of set, bloom, none")]
    public void UnknownValue_FailsListingTheNames(string value, string message)
    {
        var json = $$"""{"corpus":"web","threshold":0.8,"exact":{{value}}}""";

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DeduplicateCorpus>(json, Bus));

        Assert.Equal(message, error.Message);
        Assert.Equal("$.exact", error.Path);
    }

    [Fact]
    public void WithoutTheBusOptions_TheEnumsStillUseTheirNames()
    {
        var json = JsonSerializer.Serialize(new CreateDatasetVersion { Dataset = "d", Corpora = ["web"], Recipe = "none", Tokenizer = TokenizerKind.Bytes });

        Assert.Contains("\"Tokenizer\":\"bytes\"", json);
    }
}
