using Refinery.Text.Tokenizers;

namespace Refinery.Text.Tests.Tokenizers;

public sealed class TokenizerIdentityTests
{
    // The "tokenizer" object as Curation's VersionDocuments.Manifest writes it, among other manifest fields.
    private const string Manifest = """
        {
          "uuid": "8f1c6a0e-3f4b-4c0e-9a51-0d2c7f6e1b2a",
          "name": "news",
          "version": "abc123",
          "tokenizer": { "name": "bytes", "vocabulary_size": 257, "end_of_text": 256, "token_bytes": 2, "byte_order": "little-endian" },
          "validation_fraction": 0.01
        }
        """;

    [Fact]
    public void FromManifest_ReadsTheTokenizerObject() =>
        Assert.Equal(new TokenizerIdentity("bytes", 257, 256), TokenizerIdentity.FromManifest(Manifest));

    [Theory]
    [InlineData("""{ "name": "news" }""", "no \"tokenizer\" object")]
    [InlineData("""{ "tokenizer": { "name": "bytes", "end_of_text": 256 } }""", "vocabulary_size")]
    [InlineData("""{ "tokenizer": { "name": 3, "vocabulary_size": 257, "end_of_text": 256 } }""", "\"name\"")]
    [InlineData("not json", "not JSON")]
    public void FromManifest_WithoutAUsableTokenizer_SaysWhat(string manifest, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => TokenizerIdentity.FromManifest(manifest));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ThrowIfDifferent_AModelAndADatasetOfTwoTokenizers_NamesBoth()
    {
        var model = new TokenizerIdentity("gpt2", 50257, 50256);

        var e = Assert.Throws<TokenizerMismatchException>(() =>
            TokenizerMismatchException.ThrowIfDifferent(model, TokenizerIdentity.FromManifest(Manifest), "news@abc123"));

        Assert.Equal("the model uses tokenizer gpt2 (50257 ids, end-of-text 50256); dataset news@abc123 was cut with bytes (257 ids, end-of-text 256)", e.Message);
    }

    [Fact]
    public void ThrowIfDifferent_TheSameTokenizer_DoesNotThrow() =>
        TokenizerMismatchException.ThrowIfDifferent(new TokenizerIdentity("bytes", 257, 256), TokenizerIdentity.FromManifest(Manifest), "news@abc123");
}
