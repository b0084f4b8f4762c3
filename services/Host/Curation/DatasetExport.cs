using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Refinery.Curation.Pipeline;
using Refinery.Storage;

namespace Refinery.Host.Curation;

/// <summary>`refinery dataset export`: a version's kept documents as files others read, split into train and
/// validation by the version's own rule (a hash of the id), with the manifest and datasheet beside them.
/// jsonl: <c>train.jsonl</c>, <c>validation.jsonl</c>. parquet: Hugging Face's layout,
/// <c>data/{split}-{i:05d}-of-{n:05d}.parquet</c>, which <c>datasets.load_dataset("parquet", data_dir=…)</c> and
/// <c>load_dataset(DIR)</c> read. rpv2: RedPajama-V2's document records where Refinery has their fields
/// (<c>raw_content</c>, <c>url</c>, <c>language</c>, <c>length</c> in code points, <c>nlines</c>) plus <c>doc_id</c>, in
/// <c>documents/00000.json.gz</c>.</summary>
public static class DatasetExport
{
    public static readonly IReadOnlyList<string> Formats = ["jsonl", "parquet", "rpv2"];
    private const int RowsPerFile = 50_000;

    private static readonly DataField<string> IdField = new("id", false);
    private static readonly DataField<string> TextField = new("text", false);
    private static readonly DataField<string> UrlField = new("url", true);
    private static readonly DataField<string> LanguageField = new("language", true);
    private static readonly DataField<string> CorpusField = new("corpus", true);

    public sealed record Summary(string Version, long Documents, long Validation, IReadOnlyList<string> Files);

    public static async Task<Summary> RunAsync(IObjectStore store, string nameAtVersion, string format, string directory, CancellationToken ct)
    {
        var manifest = await VersionReader.OpenAsync(store, nameAtVersion, ct);
        var fraction = manifest.Root.GetProperty("validation_fraction").GetDouble();
        Directory.CreateDirectory(directory);
        var documents = new List<JsonElement>();
        await foreach (var document in VersionReader.DocumentsAsync(store, manifest, ct)) documents.Add(document);
        bool Held(JsonElement d) => PartCurator.InValidation(d.GetProperty("id").GetString()!, fraction);
        var files = format switch
        {
            "jsonl" => await JsonlAsync(directory, documents, Held, ct),
            "parquet" => await ParquetAsync(directory, documents, Held, ct),
            "rpv2" => await Rpv2Async(directory, documents, ct),
            _ => throw new ArgumentException($"unknown format '{format}' (there are {string.Join(", ", Formats)})"),
        };
        foreach (var name in new[] { "manifest.json", "datasheet.md" })
        {
            await using var source = await store.OpenReadAsync(manifest.Prefix + name, ct);
            await using var target = File.Create(Path.Combine(directory, name));
            await source.CopyToAsync(target, ct);
            files.Add(name);
        }
        return new Summary(manifest.Root.GetProperty("version").GetString()!, documents.Count, documents.Count(Held), files);
    }

    private static async Task<List<string>> JsonlAsync(string directory, List<JsonElement> documents, Func<JsonElement, bool> held, CancellationToken ct)
    {
        foreach (var split in new[] { "train", "validation" })
            await File.WriteAllLinesAsync(Path.Combine(directory, $"{split}.jsonl"),
                documents.Where(d => held(d) == (split == "validation")).Select(d => d.GetRawText()), ct);
        return ["train.jsonl", "validation.jsonl"];
    }

    private static async Task<List<string>> ParquetAsync(string directory, List<JsonElement> documents, Func<JsonElement, bool> held, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        var schema = new ParquetSchema(IdField, TextField, UrlField, LanguageField, CorpusField);
        var written = new List<string>();
        foreach (var split in new[] { "train", "validation" })
        {
            var rows = documents.Where(d => held(d) == (split == "validation")).ToList();
            var count = Math.Max(1, (rows.Count + RowsPerFile - 1) / RowsPerFile);
            for (var i = 0; i < count; i++)
            {
                var chunk = rows.Skip(i * RowsPerFile).Take(RowsPerFile).ToList();
                var name = $"data/{split}-{i:D5}-of-{count:D5}.parquet";
                await using var file = File.Create(Path.Combine(directory, name));
                await using var writer = await ParquetWriter.CreateAsync(schema, file, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd }, cancellationToken: ct);
                using var group = writer.CreateRowGroup();
                string? Field(JsonElement d, string field) => d.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                await group.WriteAsync(IdField, chunk.Select(d => Field(d, "id")!).ToArray(), null);
                await group.WriteAsync(TextField, chunk.Select(d => Field(d, "text")!).ToArray(), null);
                await group.WriteAsync(UrlField, chunk.Select(d => Field(d, "url")).ToArray(), null);
                await group.WriteAsync(LanguageField, chunk.Select(d => Field(d, "language")).ToArray(), null);
                await group.WriteAsync(CorpusField, chunk.Select(d => Field(d, "corpus")).ToArray(), null);
                written.Add(name);
            }
        }
        return written;
    }

    private static async Task<List<string>> Rpv2Async(string directory, List<JsonElement> documents, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(directory, "documents"));
        const string name = "documents/00000.json.gz";
        await using var file = File.Create(Path.Combine(directory, name));
        await using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        await using var writer = new StreamWriter(gzip, new UTF8Encoding(false));
        foreach (var d in documents)
        {
            string? Field(string field) => d.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var text = Field("text") ?? "";
            await writer.WriteLineAsync(JsonSerializer.Serialize(new
            {
                raw_content = text, doc_id = Field("id"), url = Field("url"), language = Field("language"),
                length = text.EnumerateRunes().Count(), nlines = text.Length == 0 ? 0 : text.TrimEnd('\n').Split('\n').Length,
            }).AsMemory(), ct);
        }
        return [name];
    }
}
