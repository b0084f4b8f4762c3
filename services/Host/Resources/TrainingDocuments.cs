using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Refinery.Ingestion.Readers;
using Refinery.Quality.Models;
using ZstdSharp;

namespace Refinery.Host.Resources;

/// <summary>Reads the documents a model is built from. JSONL (plain, .gz or .zst; compression is detected from the
/// bytes) gives one document per line from the field <c>text</c>, else <c>raw_content</c>, else <c>content</c>.
/// Any other file is UTF-8 text with one document per block of lines separated by blank (whitespace-only) lines,
/// which suits paragraph-per-block sets such as WikiText; put each document in its own file as one block otherwise.</summary>
public static class TrainingDocuments
{
    private static readonly string[] TextFields = ["text", "raw_content", "content"];

    public static (List<string> Documents, List<CorpusDescriptor> Corpora) Read(string role, IReadOnlyList<string> files)
    {
        var documents = new List<string>();
        var corpora = new List<CorpusDescriptor>();
        foreach (var file in files)
        {
            var before = documents.Count;
            var bytes = File.ReadAllBytes(file);
            using var raw = new MemoryStream(bytes, writable: false);
            using var stream = Decompress(raw, bytes, file);
            using var reader = new StreamReader(stream);
            var plainName = SourceOpener.StripCompressionExtension(Path.GetFileName(file));
            if (plainName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || plainName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                ReadJsonl(reader, file, documents);
            else
                ReadBlocks(reader, documents);
            corpora.Add(new CorpusDescriptor(role, Path.GetFileName(file), Convert.ToHexStringLower(SHA256.HashData(bytes)), documents.Count - before));
        }
        return (documents, corpora);
    }

    private static Stream Decompress(Stream raw, byte[] head, string name) =>
        SourceOpener.DetectCompression(head.AsSpan(0, Math.Min(head.Length, SourceOpener.MagicLength)), name) switch
        {
            SourceCompression.Gzip => new GZipStream(raw, CompressionMode.Decompress),
            SourceCompression.Zstd => new DecompressionStream(raw),
            _ => raw,
        };

    private static void ReadJsonl(StreamReader reader, string file, List<string> documents)
    {
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var json = JsonDocument.Parse(line);
            string? text = null;
            foreach (var field in TextFields)
                if (json.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    text = value.GetString();
                    break;
                }
            if (text is null) throw new InvalidDataException($"{file}:{lineNumber}: no string field text, raw_content or content");
            documents.Add(text);
        }
    }

    private static void ReadBlocks(StreamReader reader, List<string> documents)
    {
        var block = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                Flush();
                continue;
            }
            block.Add(line);
        }
        Flush();

        void Flush()
        {
            if (block.Count > 0) documents.Add(string.Join('\n', block));
            block.Clear();
        }
    }
}
