using System.Runtime.CompilerServices;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;

namespace Refinery.Curation.Pipeline;

/// <summary>One document of a part as a recipe sees it, with its signal row.</summary>
public sealed record PartDocument(SignalDocument Document, SignalRow Row, DocumentFacts Facts);

/// <summary>Reads a corpus shard's documents and signals side by side (row i of the signal shard is the i-th
/// document; a line the signals service skipped is skipped here too), checked against each other, with the facts a
/// recipe reads: the signals it names (only those and the histograms' are decoded), and the duplicate sets of the corpus. Both the ranking rounds of quantile rules
/// and the writing of a part read a part through this, so both see the same documents.</summary>
public sealed class PartReader(IObjectStore store)
{
    private const int BatchSize = 256;

    public async IAsyncEnumerable<PartDocument> ReadAsync(DatasetJob job, PartInput input, Recipe recipe,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var duplicates = await DuplicatesAsync(JobInputs.Clusters(job).Where(c => c.Corpus == input.Corpus), ct);
        using var signalBytes = await store.ReadVerifiedAsync(input.Signals, ct);
        await using var signals = await SignalParquetReader.OpenAsync(signalBytes, ct: ct);
        var lookup = SignalLookup.For(recipe.Needs, signals.Info.ExtraSignals);
        var columns = SignalColumns.Only(recipe.Needs.DocumentSignals.Concat(recipe.Needs.LineSignals).Concat(Histograms.Edges.Keys));
        await using var rows = signals.ReadAsync(columns, ct).GetAsyncEnumerator(ct);
        using var docBytes = await store.ReadVerifiedAsync(input.Documents, ct);
        await foreach (var batch in ShardDocumentReader.ReadBatchesAsync(docBytes, BatchSize, ct))
            foreach (var line in batch)
            {
                if (line.Document is not { } document) continue;
                if (!await rows.MoveNextAsync())
                    throw new PermanentFailureException($"{input.Signals.Key} ends before document {document.Id} of {input.Documents.Key}");
                var row = rows.Current;
                if (row.Signals.Id != document.Id)
                    throw new PermanentFailureException($"{input.Signals.Key} holds {row.Signals.Id} where {input.Documents.Key} has {document.Id}");
                yield return new PartDocument(document, row, Facts(document, row, lookup, duplicates));
            }
        if (await rows.MoveNextAsync()) throw new PermanentFailureException($"{input.Signals.Key} holds more rows than {input.Documents.Key} has documents");
    }

    /// <summary>Where each signal the recipe reads sits in a row of one signal file: an RPv2 document signal's index, an
    /// extra (model-based) signal's position in the file, or a line signal's index. Found once per part, not per document.</summary>
    private sealed record SignalLookup(List<(string Name, int Index)> Rpv2, List<(string Name, int Index)> Extra, List<(string Name, int Index)> Lines)
    {
        public static SignalLookup For(RecipeBinder needs, IReadOnlyList<string> extraSignals)
        {
            var lookup = new SignalLookup([], [], []);
            foreach (var name in needs.DocumentSignals)
            {
                if (Rpv2Catalog.Find(name) is { Level: SignalLevel.Document } definition) lookup.Rpv2.Add((name, definition.Index));
                else if (extraSignals.ToList().IndexOf(name) is >= 0 and var e) lookup.Extra.Add((name, e));
            }
            foreach (var name in needs.LineSignals) lookup.Lines.Add((name, Rpv2Catalog.Find(name)!.Index));
            return lookup;
        }
    }

    /// <summary>The facts a recipe sees of one document, from its signal row: the RPv2 signals by name, the model-based
    /// ones among the file's extra signals, and the duplicate sets of its corpus.</summary>
    private static DocumentFacts Facts(SignalDocument document, SignalRow row, SignalLookup lookup, Duplicates duplicates)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, index) in lookup.Rpv2) values[name] = row.Signals.Document[index];
        foreach (var (name, index) in lookup.Extra) values[name] = row.Extra[index];
        var lines = lookup.Lines.ToDictionary(l => l.Name, l => row.Signals.Lines[l.Index], StringComparer.Ordinal);
        return new DocumentFacts
        {
            Id = document.Id, Document = values, Lines = lines, LineBounds = row.Signals.LineBounds, Language = document.Language, Url = document.Url,
            FuzzyDuplicate = t => duplicates.Fuzzy.TryGetValue(t, out var set) && set.Contains(document.Id),
            ExactDuplicate = duplicates.Exact.Contains(document.Id),
        };
    }

    private sealed record Duplicates(Dictionary<double, HashSet<string>> Fuzzy, HashSet<string> Exact);

    /// <summary>The removable members (not kept) of the corpus's clusters at each threshold, and the exact copies among them.</summary>
    private async Task<Duplicates> DuplicatesAsync(IEnumerable<ClustersInput> clusters, CancellationToken ct)
    {
        var fuzzy = new Dictionary<double, HashSet<string>>();
        var exact = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in clusters)
        {
            using var bytes = await store.ReadVerifiedAsync(input.Clusters, ct);
            var rows = await ClustersFile.ReadAsync(bytes, ct);
            fuzzy[input.Threshold] = rows.Where(r => !r.Keep).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            exact.UnionWith(rows.Where(r => !r.Keep && r.Kind == "exact").Select(r => r.Id));
        }
        return new Duplicates(fuzzy, exact);
    }
}
