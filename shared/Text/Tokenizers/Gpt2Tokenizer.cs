using Microsoft.ML.Tokenizers;
using Refinery.Contracts.Curation;

namespace Refinery.Text.Tokenizers;

/// <summary>GPT-2's byte-level BPE: 50,256 ranked tokens and end-of-text 50256.</summary>
internal sealed class Gpt2Tokenizer : DatasetTokenizer
{
    private static readonly Lazy<TiktokenTokenizer> Shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    public override TokenizerKind Kind => TokenizerKind.Gpt2;
    public override int VocabularySize => 50_257;
    public override int EndOfText => 50_256;

    public override void Encode(string text, List<int> into) =>
        into.AddRange(Shared.Value.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true));

    protected override ReadOnlySpan<byte> TokenBytesOf(int id) => Gpt2Ranks.Bytes[id];
}
