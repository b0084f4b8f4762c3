using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Refinery.Curation.Formats;
using Refinery.Curation.Recipes;
using Refinery.Quality.Formats;

namespace Refinery.Host.Curation;

/// <summary>`refinery filter`: applies a recipe to documents and their RPv2 signal files, without any service. The
/// documents and the signals are read side by side (the n-th valid document with the n-th signals record, which
/// must have its id, as `refinery signals` writes them and RedPajama-V2 publishes them). Kept documents are written
/// in input order as their input line, or with their text cut to the kept lines when line rules removed some.
/// A recipe with quantile conditions reads the inputs once more per quantile rule, to rank what reaches it.</summary>
public static class OfflineFilter
{
    public sealed record Settings(IReadOnlyList<string> Documents, IReadOnlyList<string> Signals, string Recipe, string Output,
        IReadOnlyList<string> Clusters);

    public sealed record RuleCount(string Name, string Level, string Action, string Rule, long RemovedDocuments, long RemovedLines);

    public sealed record Summary(string Recipe, string RecipeSha256, long Documents, long Kept, long Rejected, long Emptied,
        IReadOnlyList<RuleCount> Rules, IReadOnlyDictionary<string, long[]> Languages, double Seconds, string Output, string? RejectedFile);

    private sealed record Item(DocumentLine Fields, byte[] Raw, DocumentFacts Facts);

    public static async Task<Summary> RunAsync(Settings settings, Action<string> progress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var recipe = Recipe.Load(settings.Recipe);
        var duplicates = DuplicateSets.Load(settings.Clusters);
        if (duplicates.Problem(recipe.Needs.FuzzyThresholds, recipe.Needs.UsesExactDuplicates) is { } problem)
            throw new ArgumentException(problem);

        var thresholds = new Dictionary<QuantileExpr, double>();
        foreach (var q in recipe.QuantileRules)
        {
            var quantiles = Recipe.Quantiles(recipe.Rules[q].Condition).ToList();
            var values = quantiles.ToDictionary(x => x, _ => new List<double>());
            await foreach (var item in ReadAsync(settings, recipe, duplicates, _ => { }, ct))
                if (recipe.Decide(item.Facts, thresholds, documentRules: q).Kept)
                    foreach (var x in quantiles) values[x].Add(item.Facts.DocumentSignal(x.Signal));
            foreach (var x in quantiles) thresholds[x] = Recipe.Threshold(x, values[x]);
            progress($"rule '{recipe.Rules[q].Name}': ranked {values.Values.First().Count:N0} documents");
        }

        var output = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var rejectedPath = output + ".rejected.jsonl";
        var removed = new long[recipe.Rules.Count];
        var lines = new long[recipe.Rules.Count];
        var languages = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        long documents = 0, kept = 0, emptied = 0, rejected = 0;
        var partial = output + ".partial";
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            await using (var rejects = new StreamWriter(rejectedPath, append: false, new UTF8Encoding(false)))
            {
                await foreach (var item in ReadAsync(settings, recipe, duplicates, r => { rejected++; rejects.WriteLine(r); }, ct))
                {
                    documents++;
                    var verdict = recipe.Decide(item.Facts, thresholds);
                    var language = item.Fields.Language ?? "und";
                    if (!languages.TryGetValue(language, out var perLanguage)) languages[language] = perLanguage = new long[2];
                    perLanguage[0]++;
                    if (verdict.LinesRemoved is { } lineCounts)
                        for (var r = 0; r < lineCounts.Length; r++) lines[r] += lineCounts[r];
                    if (verdict.RemovedBy >= 0) removed[verdict.RemovedBy]++;
                    if (verdict.Emptied) emptied++;
                    if (!verdict.Kept) continue;
                    kept++;
                    perLanguage[1]++;
                    var bytes = verdict.KeptLines is { } keptLines && keptLines.Count < item.Facts.LineCount
                        ? Rewrite(item, keptLines)
                        : item.Raw;
                    file.Write(bytes);
                    file.WriteByte((byte)'\n');
                    if (documents % 10_000 == 0) progress($"{documents:N0} documents, {kept:N0} kept");
                }
            }
        }
        catch
        {
            // A run that stops leaves no output behind, so nothing half-written is mistaken for a result.
            File.Delete(partial);
            File.Delete(rejectedPath);
            throw;
        }
        File.Move(partial, output, overwrite: true);
        if (rejected == 0) File.Delete(rejectedPath);
        var rules = recipe.Rules.Select((r, i) => new RuleCount(r.Name, r.Level == RuleLevel.Document ? "doc" : "line",
            r.Action == RuleAction.Keep ? "keep" : "drop", r.Text, removed[i], lines[i])).ToList();
        return new Summary(recipe.Name, recipe.Sha256, documents, kept, rejected, emptied, rules, languages, watch.Elapsed.TotalSeconds,
            output, rejected > 0 ? rejectedPath : null);
    }

    /// <summary>The valid documents with their facts, in order. A document line that is not a document is reported
    /// to <paramref name="reject"/> and has no signals record; a signals record whose id differs stops the run.</summary>
    private static async IAsyncEnumerable<Item> ReadAsync(Settings settings, Recipe recipe, DuplicateSets duplicates, Action<string> reject,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var signals = new SignalRecords(settings.Signals);
        foreach (var path in settings.Documents)
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using var decompressed = await SignalInputReader.DecompressAsync(stream, ct);
            using var lines = new Utf8Lines(decompressed, SignalInputReader.MaxLineBytes);
            while (await lines.MoveNextAsync(ct))
            {
                if (lines.Current.IndexOfAnyExcept(" \t\r\f\v"u8) < 0 && !lines.Oversized) continue;
                DocumentLine fields;
                try
                {
                    fields = lines.Oversized ? throw new InvalidDataException("line too long") : DocumentLine.Parse(lines.Current);
                    if (fields.Text is null) throw new InvalidDataException("no string field `text` or `raw_content`");
                }
                catch (Exception ex) when (ex is JsonException or InvalidDataException)
                {
                    reject(JsonSerializer.Serialize(new { file = Path.GetFileName(path), line = lines.Number, reason = ex.Message }));
                    continue;
                }
                var id = fields.Id ?? $"{Path.GetFileName(path)}/{lines.Number - 1}";
                var record = await signals.NextAsync(recipe.Needs, ct)
                             ?? throw new InvalidDataException($"{path}:{lines.Number}: document {id} has no signals record (the signal files end)");
                if (record.Parsed.Id != id)
                    throw new InvalidDataException($"{path}:{lines.Number}: document {id}, but {record.Where} holds the signals of {record.Parsed.Id}");
                var facts = new DocumentFacts
                {
                    Id = id, Document = record.Parsed.Document, Lines = record.Parsed.Lines, LineBounds = record.Parsed.LineBounds,
                    Language = fields.Language, Url = fields.Url,
                    FuzzyDuplicate = t => duplicates.IsFuzzyDuplicate(id, t), ExactDuplicate = duplicates.IsExactDuplicate(id),
                };
                yield return new Item(fields, lines.Current.ToArray(), facts);
            }
        }
        if (await signals.NextAsync(recipe.Needs, ct) is { } extra)
            throw new InvalidDataException($"{extra.Where}: signals of {extra.Parsed.Id} after the last document");
    }

    /// <summary>The input line with its text cut to the kept lines, other fields untouched.</summary>
    private static byte[] Rewrite(Item item, IReadOnlyList<int> keptLines)
    {
        var node = JsonNode.Parse(item.Raw)!.AsObject();
        node[node.ContainsKey("text") ? "text" : "raw_content"] = LineCut.Apply(item.Fields.Text!, item.Facts.LineBounds, keptLines);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>The signals records of several files, read in order.</summary>
    private sealed class SignalRecords(IReadOnlyList<string> paths) : IAsyncDisposable
    {
        private int _file = -1;
        private Stream? _stream, _decompressed;
        private Utf8Lines? _lines;

        public sealed record Record(Rpv2SignalRecord.Parsed Parsed, string Where);

        public async Task<Record?> NextAsync(RecipeBinder needs, CancellationToken ct)
        {
            while (true)
            {
                if (_lines is not null && await _lines.MoveNextAsync(ct))
                {
                    if (_lines.Current.IndexOfAnyExcept(" \t\r\f\v"u8) < 0) continue;
                    var where = $"{paths[_file]}:{_lines.Number}";
                    try
                    {
                        return new Record(Rpv2SignalRecord.Parse(_lines.Current, needs), where);
                    }
                    catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException or FormatException)
                    {
                        throw new InvalidDataException($"{where}: {ex.Message}", ex);
                    }
                }
                await CloseAsync();
                if (++_file >= paths.Count) return null;
                _stream = new FileStream(paths[_file], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                _decompressed = await SignalInputReader.DecompressAsync(_stream, ct);
                _lines = new Utf8Lines(_decompressed, SignalInputReader.MaxLineBytes);
            }
        }

        private async Task CloseAsync()
        {
            _lines?.Dispose();
            if (_decompressed is not null) await _decompressed.DisposeAsync();
            if (_stream is not null) await _stream.DisposeAsync();
            (_lines, _decompressed, _stream) = (null, null, null);
        }

        public async ValueTask DisposeAsync() => await CloseAsync();
    }
}
