using System.Text;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Options;

namespace Refinery.Text.Tokenizers;

/// <summary>The tokenizers dataset versions are cut with and models read with, one per <see cref="TokenizerKind"/>.
/// "gpt2": GPT-2's byte-level BPE (Microsoft.ML.Tokenizers with its Gpt2 data package; 50,257 ids, end-of-text 50256).
/// "bytes": the UTF-8 bytes, with 256 as end-of-text. Both fit uint16. Every token stands for a fixed byte string
/// (empty for end-of-text), which is what makes bits per byte exact and decoding lossless.</summary>
public abstract class DatasetTokenizer
{
    /// <summary>The end-of-text token's text, as GPT-2 and Hugging Face's files spell it.</summary>
    public const string EndOfTextToken = "<|endoftext|>";

    /// <summary>The tokenizer's option name, written into the manifest.</summary>
    public string Name => OptionValues<TokenizerKind>.NameOf(Kind);
    public abstract TokenizerKind Kind { get; }
    public abstract int VocabularySize { get; }
    public abstract int EndOfText { get; }

    /// <summary>What a dataset version's manifest and a model folder record of this tokenizer.</summary>
    public TokenizerIdentity Identity => new(Name, VocabularySize, EndOfText);

    /// <summary>Bytes per token in the shards: 2 (uint16) while every id fits, else 4.</summary>
    public int TokenBytes => VocabularySize <= 65_536 ? 2 : 4;

    /// <summary>Appends the text's ids, without end-of-text.</summary>
    public abstract void Encode(string text, List<int> into);

    /// <summary>The text's ids, without end-of-text.</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        Encode(text, ids);
        return [.. ids];
    }

    /// <summary>Appends the document's ids and then the end-of-text id: a document as dataset shards hold it.</summary>
    public void EncodeDocument(string text, List<int> into)
    {
        Encode(text, into);
        into.Add(EndOfText);
    }

    /// <summary>The bytes token <paramref name="id"/> stands for; empty for end-of-text.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not an id of this tokenizer.</exception>
    public ReadOnlySpan<byte> BytesOf(int id)
    {
        if ((uint)id >= (uint)VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"not a token of {Name} ({VocabularySize} ids)");
        return id == EndOfText ? [] : TokenBytesOf(id);
    }

    /// <summary>How many UTF-8 bytes of text token <paramref name="id"/> stands for (0 for end-of-text): summed over
    /// a text's ids it gives the text's byte count, the denominator of bits per byte.</summary>
    public int TokenByteLength(int id) => BytesOf(id).Length;

    /// <summary>The text the ids stand for: their bytes joined and read as UTF-8 (a sequence cut inside a character,
    /// as a generation can be, reads U+FFFD there), with end-of-text written as <see cref="EndOfTextToken"/>.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id == EndOfText) bytes.AddRange(Encoding.UTF8.GetBytes(EndOfTextToken));
            else bytes.AddRange(BytesOf(id));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The bytes of an id other than end-of-text, already range-checked.</summary>
    protected abstract ReadOnlySpan<byte> TokenBytesOf(int id);

    public static DatasetTokenizer Create(TokenizerKind kind) => kind switch
    {
        TokenizerKind.Gpt2 => new Gpt2Tokenizer(),
        TokenizerKind.Bytes => new ByteTokenizer(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a tokenizer"),
    };

    /// <summary>The tokenizer a manifest or a model folder names, checked against its recorded sizes.</summary>
    /// <exception cref="InvalidDataException">The name is not a tokenizer Refinery has, or its sizes differ.</exception>
    public static DatasetTokenizer Create(TokenizerIdentity identity)
    {
        if (!OptionValues<TokenizerKind>.TryParse(identity.Name, out var kind))
            throw new InvalidDataException($"tokenizer '{identity.Name}' is not {OptionValues<TokenizerKind>.Expected}");
        var tokenizer = Create(kind);
        if (tokenizer.Identity != identity)
            throw new InvalidDataException($"tokenizer {identity.Describe()} differs from Refinery's {tokenizer.Identity.Describe()}");
        return tokenizer;
    }
}
