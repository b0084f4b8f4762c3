using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
using Refinery.Host.Cli;
using Xunit;

namespace Refinery.Host.Tests.Cli;

/// <summary>Option values given on the command line: the same names as on the bus, a clear error otherwise.</summary>
public sealed class OptionValueOptionTests
{
    [Fact]
    public void Dedup_UnknownExactMode_IsAnErrorListingTheModes()
    {
        var parsed = DedupCommand.Create().Parse(["in.jsonl", "-o", "out.jsonl", "--threshold", "0.8", "--exact", "--exact-mode", "fast"]);

        Assert.Equal("--exact-mode 'fast' is not one of set, bloom", Assert.Single(parsed.Errors).Message);
    }

    [Fact]
    public void Dedup_None_IsNotAnExactMode_OnTheCommandLine()
    {
        var parsed = DedupCommand.Create().Parse(["in.jsonl", "-o", "out.jsonl", "--threshold", "0.8", "--exact-mode", "none"]);

        Assert.Equal("--exact-mode 'none' is not one of set, bloom", Assert.Single(parsed.Errors).Message);
    }

    [Fact]
    public void Dedup_ExactKey_BindsFromItsName_AndDefaultsAsTheContract()
    {
        var command = DedupCommand.Create();
        var given = command.Parse(["in.jsonl", "-o", "out.jsonl", "--threshold", "0.8", "--exact-key", "url"]);
        var left = command.Parse(["in.jsonl", "-o", "out.jsonl", "--threshold", "0.8"]);

        Assert.Empty(given.Errors);
        Assert.Equal(ExactKeyKind.Url, given.GetValue<ExactKeyKind>("--exact-key"));
        var defaults = new DeduplicateCorpus { Corpus = "c", Threshold = 0.8 };
        Assert.Equal((defaults.Exact, defaults.ExactKey), (left.GetValue<ExactMode>("--exact-mode"), left.GetValue<ExactKeyKind>("--exact-key")));
    }

    [Theory]
    [InlineData("longest", KeepKind.Longest, null)]
    [InlineData("max:rps_doc_word_count", KeepKind.Max, "rps_doc_word_count")]
    public void Dedup_Keep_BindsFromItsText(string keep, KeepKind kind, string? signal)
    {
        var parsed = DedupCommand.Create().Parse(["in.jsonl", "-o", "out.jsonl", "--threshold", "0.8", "--keep", keep]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(new KeepPolicy(kind, signal), parsed.GetValue<KeepPolicy>("--keep"));
    }

    [Fact]
    public void Dedup_UnknownKeep_IsAnErrorSayingWhatIsAllowed_AndNoKeepIsTheContractsDefault()
    {
        var command = DedupCommand.Create();
        var bad = command.Parse(["in.jsonl", "-o", "out.jsonl", "--threshold", "0.8", "--keep", "max:"]);
        var left = command.Parse(["in.jsonl", "-o", "out.jsonl", "--threshold", "0.8"]);

        Assert.Equal("--keep 'max:' is not first, longest, max:SIGNAL or min:SIGNAL", Assert.Single(bad.Errors).Message);
        Assert.Equal(new DeduplicateCorpus { Corpus = "c", Threshold = 0.8 }.Keep, left.GetValue<KeepPolicy>("--keep"));
    }

    [Fact]
    public void DatasetCreate_UnknownTokenizer_IsAnErrorListingTheTokenizers()
    {
        var parsed = DatasetCommand.Create().Parse(["create", "ds", "--corpus", "web", "--recipe", "none", "--tokenizer", "llama"]);

        Assert.Equal("--tokenizer 'llama' is not one of gpt2, bytes", Assert.Single(parsed.Errors).Message);
    }

    [Fact]
    public void DatasetCreate_Tokenizer_DefaultsAsTheContract()
    {
        var parsed = DatasetCommand.Create().Parse(["create", "ds", "--corpus", "web", "--recipe", "none"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(TokenizerKind.Gpt2, parsed.GetValue<TokenizerKind>("--tokenizer"));
    }
}
