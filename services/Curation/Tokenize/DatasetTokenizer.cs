using System.Text;
using Microsoft.ML.Tokenizers;

namespace Refinery.Curation.Tokenize;

/// <summary>Turns a document into token ids for a dataset version's token shards, each document followed by the
/// end-of-text token. "gpt2": GPT-2's byte-level BPE (Microsoft.ML.Tokenizers with its Gpt2 data package; 50,257
/// ids, end-of-text 50256). "bytes": the UTF-8 bytes, with 256 as end-of-text. Both fit uint16.</summary>
public abstract class DatasetTokenizer
{
    public static readonly IReadOnlyList<string> Names = ["gpt2", "bytes"];

    public abstract string Name { get; }
    public abstract int VocabularySize { get; }
    public abstract int EndOfText { get; }

    /// <summary>Bytes per token in the shards: 2 (uint16) while every id fits, else 4.</summary>
    public int TokenBytes => VocabularySize <= 65_536 ? 2 : 4;

    /// <summary>Appends the document's ids and then the end-of-text id.</summary>
    public abstract void Encode(string text, List<int> into);

    public static DatasetTokenizer Create(string name) => name switch
    {
        "gpt2" => new Gpt2(),
        "bytes" => new Bytes(),
        _ => throw new ArgumentException($"unknown tokenizer '{name}' (there are {string.Join(", ", Names)})", nameof(name)),
    };

    private sealed class Gpt2 : DatasetTokenizer
    {
        private static readonly Lazy<TiktokenTokenizer> Shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

        public override string Name => "gpt2";
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
        public override string Name => "bytes";
        public override int VocabularySize => 257;
        public override int EndOfText => 256;

        public override void Encode(string text, List<int> into)
        {
            foreach (var b in Encoding.UTF8.GetBytes(text)) into.Add(b);
            into.Add(EndOfText);
        }
    }
}
