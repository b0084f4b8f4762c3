using System.Text;
using Refinery.Contracts.Curation;
using Refinery.Text.Tokenizers;

namespace Refinery.Text.Tests.Tokenizers;

public sealed class DatasetTokenizerTests
{
    [Theory]
    [InlineData("Hello world", new[] { 15496, 995 })]
    [InlineData("Hello, world!", new[] { 15496, 11, 995, 0 })]
    public void Gpt2_EncodeDocument_GivesGpt2sIds_ThenEndOfText(string text, int[] ids)
    {
        var tokens = new List<int>();

        DatasetTokenizer.Create(TokenizerKind.Gpt2).EncodeDocument(text, tokens);

        Assert.Equal([.. ids, 50256], tokens);
    }

    [Fact]
    public void Bytes_EncodeDocument_GivesTheUtf8Bytes_ThenEndOfText()
    {
        var tokens = new List<int>();

        DatasetTokenizer.Create(TokenizerKind.Bytes).EncodeDocument("añ", tokens);

        Assert.Equal([0x61, 0xC3, 0xB1, 256], tokens);
        Assert.Equal(2, DatasetTokenizer.Create(TokenizerKind.Bytes).TokenBytes);
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2, "gpt2", 50257, 50256)]
    [InlineData(TokenizerKind.Bytes, "bytes", 257, 256)]
    public void Identity_IsNameVocabularyAndEndOfText(TokenizerKind kind, string name, int vocabulary, int endOfText) =>
        Assert.Equal(new TokenizerIdentity(name, vocabulary, endOfText), DatasetTokenizer.Create(kind).Identity);

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.Bytes)]
    public void Decode_OfEncode_IsTheDocument(TokenizerKind kind)
    {
        var tokenizer = DatasetTokenizer.Create(kind);

        foreach (var text in RealDocuments.All)
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.Bytes)]
    public void TokenByteLength_SummedOverADocument_IsItsUtf8ByteCount(TokenizerKind kind)
    {
        var tokenizer = DatasetTokenizer.Create(kind);

        foreach (var text in RealDocuments.All)
        {
            var ids = new List<int>();
            tokenizer.EncodeDocument(text, ids);
            Assert.Equal(Encoding.UTF8.GetByteCount(text), ids.Sum(tokenizer.TokenByteLength));
        }
    }

    [Fact]
    public void Gpt2_TheFirst256Tokens_AreEveryByteOnce()
    {
        var tokenizer = DatasetTokenizer.Create(TokenizerKind.Gpt2);

        var bytes = Enumerable.Range(0, 256).Select(id => tokenizer.BytesOf(id).ToArray()).ToList();

        Assert.All(bytes, b => Assert.Single(b));
        Assert.Equal(Enumerable.Range(0, 256), bytes.Select(b => (int)b[0]).Order());
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.Bytes)]
    public void BytesOf_AcrossADocumentsIds_AreItsUtf8Bytes(TokenizerKind kind)
    {
        var tokenizer = DatasetTokenizer.Create(kind);

        // Japanese, Hindi and Arabic text make GPT-2 split characters, so tokens that are not whole characters count.
        foreach (var text in RealDocuments.All)
        {
            var joined = new List<byte>();
            foreach (var id in tokenizer.Encode(text)) joined.AddRange(tokenizer.BytesOf(id));
            Sequences.AssertSame(Encoding.UTF8.GetBytes(text), joined, text);
        }
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2)]
    [InlineData(TokenizerKind.Bytes)]
    public void EndOfText_HasNoBytes_AndDecodesAsItsToken(TokenizerKind kind)
    {
        var tokenizer = DatasetTokenizer.Create(kind);

        Assert.Equal(0, tokenizer.TokenByteLength(tokenizer.EndOfText));
        Assert.Equal("a<|endoftext|>b", tokenizer.Decode([.. tokenizer.Encode("a"), tokenizer.EndOfText, .. tokenizer.Encode("b")]));
    }

    [Fact]
    public void BytesOf_AnIdOutsideTheVocabulary_Throws()
    {
        var tokenizer = DatasetTokenizer.Create(TokenizerKind.Bytes);

        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.TokenByteLength(257));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.TokenByteLength(-1));
    }

    [Fact]
    public void Create_FromAnIdentity_GivesThatTokenizer() =>
        Assert.Equal(TokenizerKind.Gpt2, DatasetTokenizer.Create(new TokenizerIdentity("gpt2", 50257, 50256)).Kind);

    [Theory]
    [InlineData("gpt2", 50304, 50256)]
    [InlineData("sentencepiece", 32000, 2)]
    public void Create_FromAnIdentityRefineryDoesNotHave_Throws(string name, int vocabulary, int endOfText)
    {
        var e = Assert.Throws<InvalidDataException>(() => DatasetTokenizer.Create(new TokenizerIdentity(name, vocabulary, endOfText)));

        Assert.Contains(name, e.Message);
    }
}
