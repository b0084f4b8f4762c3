using System.Text;
using Microsoft.ML.Tokenizers;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Options;

namespace Refinery.Curation.Tokenize;

/// <summary>Turns a document into token ids for a dataset version's token shards, each document followed by the
/// end-of-text token. "gpt2": GPT-2's byte-level BPE (Microsoft.ML.Tokenizers with its Gpt2 data package; 50,257
/// ids, end-of-text 50256). "bytes": the UTF-8 bytes, with 256 as end-of-text. Both fit uint16.</summary>
public abstract class DatasetTokenizer
{
    /// <summary>The tokenizer's option name, written into the manifest.</summary>
    public string Name => OptionValues<TokenizerKind>.NameOf(Kind);
    public abstract TokenizerKind Kind { get; }
    public abstract int VocabularySize { get; }
    public abstract int EndOfText { get; }

    /// <summary>Bytes per token in the shards: 2 (uint16) while every id fits, else 4.</summary>
    public int TokenBytes => VocabularySize <= 65_536 ? 2 : 4;

    /// <summary>Appends the document's ids and then the end-of-text id.</summary>
    public abstract void Encode(string text, List<int> into);

    public static DatasetTokenizer Create(TokenizerKind kind) => kind switch
    {
        TokenizerKind.Gpt2 => new Gpt2(),
        TokenizerKind.Bytes => new Bytes(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a tokenizer"),
    };

    private sealed class Gpt2 : DatasetTokenizer
    {
        private static readonly Lazy<TiktokenTokenizer> Shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

        public override TokenizerKind Kind => TokenizerKind.Gpt2;
        public override int VocabularySize => 50_257;
        public override int EndOfText => 50_256;

        public override void Encode(string text, List<int> into)
        {
            into.AddRange(Shared.Value.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true));
            into.Add(EndOfText);
        }
    }

    private sealed class Bytes : DatasetTokenizer
    {
        public override TokenizerKind Kind => TokenizerKind.Bytes;
        public override int VocabularySize => 257;
        public override int EndOfText => 256;

        public override void Encode(string text, List<int> into)
        {
            foreach (var b in Encoding.UTF8.GetBytes(text)) into.Add(b);
            into.Add(EndOfText);
        }
    }
}
