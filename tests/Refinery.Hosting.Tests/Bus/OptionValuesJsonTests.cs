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
