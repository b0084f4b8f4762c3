using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Refinery.Contracts.Curation;
using Refinery.Curation.Pipeline;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;

namespace Refinery.Host.Curation;

/// <summary>`refinery dataset export`: a version's kept documents as files others read, split into train and
/// validation by the version's own rule (a hash of the id), with the manifest and datasheet beside them. Documents
/// stream through: at most one Parquet row group per split is in memory.
/// jsonl: <c>train.jsonl</c>, <c>validation.jsonl</c>. parquet: Hugging Face's layout,
/// <c>data/{split}-{i:05d}-of-{n:05d}.parquet</c>, which <c>datasets.load_dataset("parquet", data_dir=…)</c> and
/// <c>load_dataset(DIR)</c> read. rpv2: RedPajama-V2's layout, <c>documents/00000.json.gz</c> with the document records
/// where Refinery has their fields (<c>raw_content</c>, <c>doc_id</c>, <c>url</c>, <c>language</c>, <c>length</c> in code
/// points, <c>nlines</c>) and <c>quality_signals/00000.signals.json.gz</c> with RPv2's published signal records,
/// computed on the exported text, so line spans match the text after line rules.</summary>
public static class DatasetExport
{
    public static readonly IReadOnlyList<string> Formats = ["jsonl", "parquet", "rpv2"];
    private const int RowsPerFile = 50_000;
    private const int RowsPerGroup = 5_000;

    private static readonly DataField<string> IdField = new("id", false);
    private static readonly DataField<string> TextField = new("text", false);
    private static readonly DataField<string> UrlField = new("url", true);
    private static readonly DataField<string> LanguageField = new("language", true);
    private static readonly DataField<string> CorpusField = new("corpus", true);
    private static readonly ParquetSchema Schema = new(IdField, TextField, UrlField, LanguageField, CorpusField);

    public sealed record Summary(string Version, long Documents, long Validation, IReadOnlyList<string> Files);

    /// <param name="resources">The RPv2 word lists, for the rpv2 format's signals (loaded only for it).</param>
    public static async Task<Summary> RunAsync(IObjectStore store, string nameAtVersion, string format, string directory,
        Func<CancellationToken, Task<Rpv2Resources>> resources, CancellationToken ct)
    {
        if (!Formats.Contains(format)) throw new ArgumentException($"unknown format '{format}' (there are {string.Join(", ", Formats)})");
        var manifest = await VersionReader.OpenAsync(store, nameAtVersion, ct);
        var fraction = manifest.Root.GetProperty("validation_fraction").GetDouble();
        Directory.CreateDirectory(directory);
        var documents = VersionReader.DocumentsAsync(store, manifest, ct);
        bool Held(JsonElement d) => PartCurator.InValidation(d.GetProperty("id").GetString()!, fraction);
        var (files, total, held) = format switch
        {
            "jsonl" => await JsonlAsync(directory, documents, Held, ct),
            "parquet" => await ParquetAsync(directory, documents, Held, Documents(manifest, DatasetKeys.ValidationFolder), Documents(manifest, DatasetKeys.TokensFolder), ct),
            _ => await Rpv2Async(directory, documents, Held, new Rpv2SignalComputer(await resources(ct)), ct),
        };
        foreach (var name in new[] { DatasetKeys.Manifest, DatasetKeys.Datasheet })
        {
            await using var source = await store.OpenReadAsync(manifest.Prefix + name, ct);
            await using var target = File.Create(Path.Combine(directory, name));
            await source.CopyToAsync(target, ct);
            files.Add(name);
        }
        return new Summary(manifest.Root.GetProperty("version").GetString()!, total, held, files);
    }

    /// <summary>The documents the manifest counts in one folder's files: the split sizes, known before reading.</summary>
    private static long Documents(ManifestReader.VerifiedManifest manifest, string folder) =>
        manifest.Files.Where(f => f.Path.StartsWith(folder, StringComparison.Ordinal)).Sum(f => f.Documents);

    private static string? Field(JsonElement d, string field) => d.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static async Task<(List<string>, long, long)> JsonlAsync(string directory, IAsyncEnumerable<JsonElement> documents,
        Func<JsonElement, bool> held, CancellationToken ct)
    {
        await using var train = new StreamWriter(Path.Combine(directory, "train.jsonl"), false, new UTF8Encoding(false));
        await using var validation = new StreamWriter(Path.Combine(directory, "validation.jsonl"), false, new UTF8Encoding(false));
        long total = 0, heldOut = 0;
        await foreach (var d in documents)
        {
            total++;
            var isHeld = held(d);
            if (isHeld) heldOut++;
            await (isHeld ? validation : train).WriteLineAsync(d.GetRawText().AsMemory(), ct);
        }
        return (["train.jsonl", "validation.jsonl"], total, heldOut);
    }

    private static async Task<(List<string>, long, long)> ParquetAsync(string directory, IAsyncEnumerable<JsonElement> documents,
        Func<JsonElement, bool> held, long validationCount, long trainCount, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        await using var train = new ParquetSplit(directory, "train", trainCount);
        await using var validation = new ParquetSplit(directory, "validation", validationCount);
        await foreach (var d in documents) await (held(d) ? validation : train).AddAsync(d, ct);
        await train.CompleteAsync(ct);
        await validation.CompleteAsync(ct);
        if (train.Rows != trainCount || validation.Rows != validationCount)
            throw new InvalidDataException($"the manifest counts {trainCount} training and {validationCount} validation documents; the parts hold {train.Rows} and {validation.Rows}");
        return ([.. train.Files, .. validation.Files], train.Rows + validation.Rows, validation.Rows);
    }

    /// <summary>One split's Parquet files: <see cref="RowsPerFile"/> rows each, written a row group at a time. The file
    /// count is in every name, so it comes from the manifest's count of the split's documents.</summary>
    private sealed class ParquetSplit(string directory, string split, long expected) : IAsyncDisposable
    {
        private readonly int _fileCount = (int)Math.Max(1, (expected + RowsPerFile - 1) / RowsPerFile);
        private readonly List<JsonElement> _group = [];
        private FileStream? _file;
        private ParquetWriter? _writer;
        private long _rowsInFile;

        public long Rows { get; private set; }
        public List<string> Files { get; } = [];

        public async Task AddAsync(JsonElement document, CancellationToken ct)
        {
            _group.Add(document);
            Rows++;
            if (_group.Count == RowsPerGroup || _rowsInFile + _group.Count == RowsPerFile) await FlushAsync(ct);
        }

        /// <summary>Writes what is buffered; a split with no rows still gets its one (empty) file.</summary>
        public async Task CompleteAsync(CancellationToken ct)
        {
            if (_group.Count > 0 || Files.Count == 0) await FlushAsync(ct);
            await CloseAsync();
        }

        private async Task FlushAsync(CancellationToken ct)
        {
            if (_writer is null)
            {
                var name = $"data/{split}-{Files.Count:D5}-of-{_fileCount:D5}.parquet";
                _file = File.Create(Path.Combine(directory, name));
                _writer = await ParquetWriter.CreateAsync(Schema, _file, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd }, cancellationToken: ct);
                Files.Add(name);
            }
            using (var group = _writer.CreateRowGroup())
            {
                await group.WriteAsync(IdField, _group.Select(d => Field(d, "id")!).ToArray(), null);
                await group.WriteAsync(TextField, _group.Select(d => Field(d, "text")!).ToArray(), null);
                await group.WriteAsync(UrlField, _group.Select(d => Field(d, "url")).ToArray(), null);
                await group.WriteAsync(LanguageField, _group.Select(d => Field(d, "language")).ToArray(), null);
                await group.WriteAsync(CorpusField, _group.Select(d => Field(d, "corpus")).ToArray(), null);
            }
            _rowsInFile += _group.Count;
            _group.Clear();
            if (_rowsInFile == RowsPerFile) await CloseAsync();
        }

        private async Task CloseAsync()
        {
            if (_writer is not null) await _writer.DisposeAsync();
            if (_file is not null) await _file.DisposeAsync();
            (_writer, _file, _rowsInFile) = (null, null, 0);
        }

        public async ValueTask DisposeAsync() => await CloseAsync();
    }

    private static async Task<(List<string>, long, long)> Rpv2Async(string directory, IAsyncEnumerable<JsonElement> documents,
        Func<JsonElement, bool> held, Rpv2SignalComputer computer, CancellationToken ct)
    {
        const string documentsName = "documents/00000.json.gz", signalsName = "quality_signals/00000.signals.json.gz";
        await using var documentsOut = GzipWriter(Path.Combine(directory, documentsName));
        await using var signalsOut = GzipWriter(Path.Combine(directory, signalsName));
        var line = new StringBuilder(1 << 14);
        long total = 0, heldOut = 0;
        await foreach (var d in documents)
        {
            total++;
            if (held(d)) heldOut++;
            var (id, text, url, language) = (Field(d, "id")!, Field(d, "text") ?? "", Field(d, "url"), Field(d, "language") ?? "und");
            var signals = computer.Compute(new SignalDocument(id, text, url, language, null));
            await documentsOut.WriteLineAsync(JsonSerializer.Serialize(new
            {
                raw_content = text, doc_id = id, url, language, length = signals.Length, nlines = signals.LineCount,
            }).AsMemory(), ct);
            line.Clear();
            Rpv2JsonFormat.Write(line, signals, new ReleaseMetadata(url, language));
            line.Append('\n');
            await signalsOut.WriteAsync(line, ct);
        }
        return ([documentsName, signalsName], total, heldOut);
    }

    private static StreamWriter GzipWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new StreamWriter(new GZipStream(File.Create(path), CompressionLevel.Optimal), new UTF8Encoding(false), 1 << 16);
    }
}
