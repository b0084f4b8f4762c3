using Refinery.Contracts.Curation;
using Refinery.Curation.Tokenize;

namespace Refinery.Curation.Tests;

public sealed class DatasetTokenizerTests
{
    [Theory]
    [InlineData("Hello world", new[] { 15496, 995 })]
    [InlineData("Hello, world!", new[] { 15496, 11, 995, 0 })]
    public void Gpt2_GivesGpt2sIds_ThenEndOfText(string text, int[] ids)
    {
        var tokens = new List<int>();

        DatasetTokenizer.Create(TokenizerKind.Gpt2).Encode(text, tokens);

        Assert.Equal([.. ids, 50256], tokens);
    }

    [Fact]
    public void Bytes_GivesTheUtf8Bytes_ThenEndOfText()
    {
        var tokens = new List<int>();

        DatasetTokenizer.Create(TokenizerKind.Bytes).Encode("añ", tokens);

        Assert.Equal([0x61, 0xC3, 0xB1, 256], tokens);
        Assert.Equal(2, DatasetTokenizer.Create(TokenizerKind.Bytes).TokenBytes);
    }
}
