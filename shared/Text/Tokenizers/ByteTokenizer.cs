using System.Text;
using Refinery.Contracts.Curation;

namespace Refinery.Text.Tokenizers;

/// <summary>One token per UTF-8 byte (ids 0–255, the byte's value) and end-of-text 256.</summary>
internal sealed class ByteTokenizer : DatasetTokenizer
{
    private static readonly byte[][] Singles = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToArray();

    public override TokenizerKind Kind => TokenizerKind.Bytes;
    public override int VocabularySize => 257;
    public override int EndOfText => 256;

    public override void Encode(string text, List<int> into)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text)) into.Add(b);
    }

    protected override ReadOnlySpan<byte> TokenBytesOf(int id) => Singles[id];
}
