using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Names;
using Refinery.Storage;

namespace Refinery.Hosting.Tests;

/// <summary>The edges of the one set of name rules: what a `$` anchor, a character count or a control-only check let
/// through before.</summary>
public sealed class NameRulesTests
{
    [Theory]
    [InlineData("web\n", "U+000A")]
    [InlineData("web\r", "U+000D")]
    [InlineData("w\u202Eb", "U+202E")]
    [InlineData("w\u200Bb", "U+200B")]
    [InlineData("\uFEFFweb", "U+FEFF")]
    [InlineData("w\u2028b", "U+2028")]
    [InlineData("w\uFFFDb", "U+FFFD")]
    public void CorpusName_WithAnInvisibleCharacter_IsRefused_NamingTheCodePoint(string name, string codePoint) =>
        Assert.Contains(codePoint, CorpusNames.Problem(name));

    [Theory]
    [InlineData("raw/web/a.jsonl\n")]
    [InlineData("raw/\u202Egnp.exe")]
    [InlineData("raw/a\u200Db")]
    [InlineData("raw/\uE000")]
    [InlineData("raw/\u0378")]
    public void ObjectKey_WithAnInvisibleOrUnassignedCharacter_IsRefused(string key) => Assert.NotNull(ObjectKey.Problem(key));

    [Fact]
    public void ALoneSurrogate_IsRefused_AsNotUtf16() =>
        Assert.Contains("lone surrogate", ObjectKey.Problem("raw/a\uD800b"));

    [Theory]
    [InlineData("a/../b")]
    [InlineData("../x")]
    [InlineData("x/..")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    public void ObjectKey_WithDotOrEmptySegments_IsRefused(string key) => Assert.NotNull(ObjectKey.Problem(key));

    [Fact]
    public void ObjectKey_LengthIsCountedInUtf8Bytes()
    {
        // 400 two-byte characters: 800 bytes, under 1024 in characters and in bytes; 600 are 1200 bytes.
        var segment = new string('é', 100);
        Assert.Null(ObjectKey.Problem(string.Join('/', Enumerable.Repeat(segment, 4))));
        Assert.Contains("1205 UTF-8 bytes", ObjectKey.Problem(string.Join('/', Enumerable.Repeat(segment, 6))));
    }

    [Fact]
    public void ObjectKey_SegmentLongerThanTheFileSystemAllows_IsRefused()
    {
        Assert.Null(ObjectKey.Problem("raw/" + new string('a', 210)));
        // 106 three-byte characters: 106 characters but 318 bytes, past what a file system takes as one name.
        Assert.Contains("path segment of 318 UTF-8 bytes", ObjectKey.Problem("raw/" + new string('€', 106)));
    }

    [Fact]
    public void CorpusName_Of64Bytes_IsAccepted_And65_Refused()
    {
        Assert.Null(CorpusNames.Problem(new string('a', 64)));
        Assert.Contains("65 UTF-8 bytes", CorpusNames.Problem(new string('a', 65)));
    }

    [Theory]
    [InlineData("web..x", "'..'")]
    [InlineData("-web", "start with")]
    [InlineData("we b", "' ' (U+0020) at index 2")]
    [InlineData("wéb", "'é' (U+00E9) at index 1")]
    public void CorpusName_Refusal_SaysWhatIsWrong(string name, string expected) => Assert.Contains(expected, CorpusNames.Problem(name));

    [Theory]
    [InlineData("rpv2\n")]
    [InlineData("rpv2\r\n")]
    [InlineData("")]
    [InlineData("a23456789012345678901234567890123")]
    public void ConfigTag_Refuses(string tag) => Assert.NotNull(ConfigTags.Problem(tag));

    [Fact]
    public void ConfigTagPattern_ForAttributes_DoesNotMatchAFinalLineFeed() =>
        Assert.DoesNotMatch(ConfigTags.Pattern, "rpv2\n");

    [Theory]
    [InlineData("a description\nwith lines\tand tabs", true)]
    [InlineData("emoji with a joiner: 👩\u200D💻", true)]
    [InlineData("nul \0 inside", false)]
    [InlineData("bell \a inside", false)]
    public void FreeText_AllowsLineBreaksAndJoiners_NotOtherControls(string text, bool acceptable) =>
        Assert.Equal(acceptable, NameRules.TextProblem(text, "description", 1000) is null);

    // A Fact, not a Theory row: a theory's data goes through UTF-8, which turns a lone surrogate into U+FFFD.
    [Fact]
    public void FreeText_WithALoneSurrogate_IsRefused() =>
        Assert.Contains("lone surrogate U+DC00", NameRules.TextProblem("lone \uDC00 surrogate", "description", 1000));

    [Fact]
    public void FreeText_LengthIsCountedInBytes() =>
        Assert.NotNull(NameRules.TextProblem(new string('€', 400), "description", 1000));

    [Fact]
    public void DedupOptions_ThatTogetherMakeATagTooLongForItsColumn_AreRefusedNamingKeep()
    {
        var request = new Refinery.Contracts.Dedup.DeduplicateCorpus
        {
            Corpus = "web", Threshold = 0.8, SignalsConfig = new string('s', 32), Exact = Refinery.Contracts.Dedup.ExactMode.Bloom,
            FalsePositiveRate = double.Epsilon, ExactKey = Refinery.Contracts.Dedup.ExactKeyKind.Url, Verify = true, Keep = Refinery.Contracts.Dedup.KeepPolicy.Parse("max:" + new string('k', 64)),
        };
        Assert.Contains("more than 128", Refinery.Contracts.Dedup.DedupRequests.Problems(request)["keep"]);
    }

    [Theory]
    [InlineData("max:rps_doc_word_count", true)]
    [InlineData("min:a1", true)]
    [InlineData("max:rps\n", false)]
    [InlineData("max:", false)]
    [InlineData("mix:rps", false)]
    [InlineData("max:Rps", false)]
    public void DedupKeep_SignalIsParsedWithoutARegex(string keep, bool isSignal) =>
        Assert.Equal(isSignal, Refinery.Contracts.Dedup.KeepPolicy.TryParse(keep, out var policy) && policy.Signal is not null);
}
