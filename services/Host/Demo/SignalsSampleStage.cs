using System.Diagnostics;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;

namespace Refinery.Host.Demo;

/// <summary>Waits for the Signals service (running in the embedded platform) to compute the sample corpus's shards,
/// reads the Parquet signal shards back, and prints per source the medians of signals that separate clean prose from
/// spam and boilerplate.</summary>
public sealed class SignalsSampleStage : IDemoStage
{
    private const string Config = "rpv2";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The columns of the table: a signal and how it is shown.</summary>
    private static readonly (string Signal, string Header, string Format)[] Columns =
    [
        ("rps_doc_word_count", "words", "N0"),
        ("rps_doc_stop_word_fraction", "stop words", "F2"),
        ("rps_doc_frac_all_caps_words", "all caps", "F3"),
        ("rps_doc_frac_no_alph_words", "no alpha", "F2"),
        ("rps_doc_symbol_to_word_ratio", "symbols", "F3"),
        ("rps_doc_frac_chars_dupe_5grams", "dupe 5-gr", "F2"),
        ("rps_doc_unigram_entropy", "entropy", "F2"),
        ("terminal_punctuation_lines", "end . ! ?", "F2"),
    ];

    public string Title => "Signals: RedPajama-V2 quality signals for every document";

    public async Task RunAsync(DemoContext context, CancellationToken ct)
    {
        var platform = context.Platform ?? throw new InvalidOperationException("the ingest stage starts the platform");
        var store = platform.Store;
        var shards = await WaitForSignalsAsync(store, context, ct);
        var sources = await ShardSummary.SourcesByIdAsync(store, DemoContext.CorpusName, ct);
        var values = new Dictionary<string, Dictionary<string, List<double>>>(StringComparer.Ordinal);
        long documents = 0;
        foreach (var key in shards)
        {
            await using var raw = await store.OpenReadAsync(key, ct);
            var buffer = new MemoryStream();
            await raw.CopyToAsync(buffer, ct); // Parquet needs a seekable stream
            buffer.Position = 0;
            await using var reader = await SignalParquetReader.OpenAsync(buffer, leaveOpen: false, ct);
            await foreach (var row in reader.ReadAsync(ct))
            {
                documents++;
                var source = sources.GetValueOrDefault(row.Signals.Id, "?");
                var bySignal = values.TryGetValue(source, out var v) ? v : values[source] = new(StringComparer.Ordinal);
                foreach (var (signal, _, _) in Columns)
                    if (Value(row.Signals, signal) is { } value && !double.IsNaN(value))
                        (bySignal.TryGetValue(signal, out var list) ? list : bySignal[signal] = []).Add(value);
            }
        }

        var table = values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new
        {
            Source = p.Key,
            Documents = p.Value.GetValueOrDefault(Columns[0].Signal)?.Count ?? 0,
            Medians = Columns.ToDictionary(c => c.Signal, c => p.Value.TryGetValue(c.Signal, out var list) ? Median(list) : (double?)null),
        }).ToArray();
        context.Progress.Note($"signals for {documents:N0} documents in {shards.Count} Parquet shards (signals/{DemoContext.CorpusName}/*.{Config}.parquet)");
        if (!context.Json)
        {
            context.Output.WriteLine();
            context.Output.WriteLine("medians per source:");
            context.Output.WriteLine($"{"source",-16}{"docs",7}" + string.Concat(Columns.Select(c => $"{c.Header,11}")));
            foreach (var row in table)
                context.Output.WriteLine($"{row.Source,-16}{row.Documents,7:N0}" + string.Concat(Columns.Select(c =>
                    $"{(row.Medians[c.Signal] is { } m ? m.ToString(c.Format, System.Globalization.CultureInfo.InvariantCulture) : "-"),11}")));
            context.Output.WriteLine("Prose has many stop words and lines that end a sentence; spam has capitals, symbols, repeated phrases and");
            context.Output.WriteLine("tokens without letters. `refinery signals FILE -o OUT.jsonl` computes the same values offline.");
            context.Output.WriteLine();
        }
        context.Results["signals"] = new { Documents = documents, Shards = shards.Count, BySource = table };
    }

    /// <summary>A document signal by name, or the share of lines ending in terminal punctuation (a line signal's mean).</summary>
    private static double? Value(DocumentSignals signals, string name)
    {
        if (name == "terminal_punctuation_lines")
            return signals.LineCount == 0 ? null : signals.Lines[0].Average();
        return Rpv2Catalog.Find(name) is { Level: SignalLevel.Document } definition ? signals.Document[definition.Index] : null;
    }

    private static async Task<IReadOnlyList<string>> WaitForSignalsAsync(IObjectStore store, DemoContext context, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var docs = await CountAsync(store, IngestionKeys.DocsPrefix(DemoContext.CorpusName), IngestionKeys.DocumentSuffix, ct);
            var signals = new List<string>();
            await foreach (var info in store.ListAsync(SignalsKeys.Prefix(DemoContext.CorpusName), ct))
                if (info.Key.EndsWith(SignalsKeys.Suffix(Config), StringComparison.Ordinal)) signals.Add(info.Key);
            context.Progress.Update($"signals: {signals.Count} of {docs} shards");
            if (docs > 0 && signals.Count >= docs) return signals.Order(StringComparer.Ordinal).ToArray();
            if (clock.Elapsed > Timeout)
                throw new TimeoutException($"the signals service computed {signals.Count} of {docs} shards in {Timeout.TotalMinutes} minutes");
            await Task.Delay(250, ct);
        }
    }

    private static async Task<int> CountAsync(IObjectStore store, string prefix, string suffix, CancellationToken ct)
    {
        var count = 0;
        await foreach (var info in store.ListAsync(prefix, ct))
            if (info.Key.EndsWith(suffix, StringComparison.Ordinal)) count++;
        return count;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}
