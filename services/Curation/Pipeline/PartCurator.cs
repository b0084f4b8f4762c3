using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;
using Refinery.Curation.Tokenize;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Curation.Pipeline;

/// <summary>Writes one part of a dataset version: reads a corpus shard's documents and signals side by side (row i of
/// the signal shard is the i-th document), applies the recipe, and writes the kept documents (cut to their kept lines)
/// as <c>documents/{part}.jsonl.zst</c>, their tokens as <c>tokens/{part}.bin</c> and, for the documents whose id
/// hashes into the validation fraction, <c>validation/{part}.bin</c>; with the part's counts and histograms.</summary>
public sealed class PartCurator(IObjectStore store)
{
    private const int BatchSize = 256;

    public async Task<PartStats> CurateAsync(DatasetJob job, int part, CancellationToken ct)
    {
        var parts = JobInputs.Parts(job);
        if (part < 0 || part >= parts.Count) throw new PermanentFailureException($"part {part} is outside version {job.Version}'s {parts.Count}");
        var input = parts[part];
        var recipe = Recipe.Parse(job.RecipeText, job.RecipeName);
        var tokenizer = DatasetTokenizer.Create(job.Tokenizer);
        var duplicates = await DuplicatesAsync(JobInputs.Clusters(job).Where(c => c.Corpus == input.Corpus), ct);
        var stats = new PartStats
        {
            Corpus = input.Corpus, Shard = input.Shard,
            RemovedDocuments = new long[recipe.Rules.Count], RemovedLines = new long[recipe.Rules.Count],
            Histograms = Histograms.Edges.ToDictionary(e => e.Key, e => new[] { new long[e.Value.Length + 1], new long[e.Value.Length + 1] }),
        };
        var noQuantiles = new Dictionary<QuantileExpr, double>();
        using var documents = new MemoryStream();
        var train = new List<int>();
        var validation = new List<int>();
        var scratch = new List<int>();
        using (var zstd = new CompressionStream(documents, 3, leaveOpen: true))
        {
            using var signalBytes = await store.ReadVerifiedAsync(input.Signals, ct);
            await using var signals = await SignalParquetReader.OpenAsync(signalBytes, ct: ct);
            var extra = signals.Info.ExtraSignals;
            await using var rows = signals.ReadAsync(ct).GetAsyncEnumerator(ct);
            using var docBytes = await store.ReadVerifiedAsync(input.Documents, ct);
            await foreach (var batch in ShardDocumentReader.ReadBatchesAsync(docBytes, BatchSize, ct))
                foreach (var line in batch)
                {
                    if (line.Document is not { } document) continue; // the signals service skipped it too
                    if (!await rows.MoveNextAsync())
                        throw new InvalidDataException($"{input.Signals.Key} ends before document {document.Id} of {input.Documents.Key}");
                    var row = rows.Current;
                    if (row.Signals.Id != document.Id)
                        throw new InvalidDataException($"{input.Signals.Key} holds {row.Signals.Id} where {input.Documents.Key} has {document.Id}");
                    var facts = Facts(document, row, extra, recipe.Needs, duplicates);
                    var verdict = recipe.Decide(facts, noQuantiles);
                    Count(stats, document.Language, row, verdict);
                    if (!verdict.Kept) continue;
                    var text = verdict.KeptLines is { } kept && kept.Count < facts.LineCount ? LineCut.Apply(document.Text, facts.LineBounds, kept) : document.Text;
                    zstd.Write(JsonSerializer.SerializeToUtf8Bytes(new
                        { id = document.Id, text, url = document.Url, language = document.Language, corpus = input.Corpus }));
                    zstd.WriteByte((byte)'\n');
                    scratch.Clear();
                    tokenizer.Encode(text, scratch);
                    if (InValidation(document.Id, job.ValidationFraction))
                    {
                        validation.AddRange(scratch);
                        stats.ValidationDocuments++;
                    }
                    else train.AddRange(scratch);
                }
            if (await rows.MoveNextAsync()) throw new InvalidDataException($"{input.Signals.Key} holds more rows than {input.Documents.Key} has documents");
        }
        stats.Tokens = train.Count;
        stats.ValidationTokens = validation.Count;
        var root = DatasetKeys.Root(job.Dataset, job.Version);
        documents.Position = 0;
        stats.Files.Add(await PutAsync(root, DatasetKeys.Documents(part), documents, stats.Kept, 0, ct));
        stats.Files.Add(await PutAsync(root, DatasetKeys.Tokens(part), TokenBytes(train, tokenizer), stats.Kept - stats.ValidationDocuments, train.Count, ct));
        stats.Files.Add(await PutAsync(root, DatasetKeys.Validation(part), TokenBytes(validation, tokenizer), stats.ValidationDocuments, validation.Count, ct));
        return stats;
    }

    /// <summary>Whether a document is held out: the top 64 bits of XxHash64 of its id, as a fraction, are below the share.</summary>
    public static bool InValidation(string id, double fraction) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(id)) < (ulong)(fraction * ulong.MaxValue);

    private static MemoryStream TokenBytes(List<int> tokens, DatasetTokenizer tokenizer)
    {
        if (tokenizer.TokenBytes == 4) return new MemoryStream(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(tokens)).ToArray());
        var bytes = new byte[2 * tokens.Count];
        for (var i = 0; i < tokens.Count; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)tokens[i]);
        return new MemoryStream(bytes);
    }

    private async Task<PartFile> PutAsync(string root, string path, Stream content, long documents, long tokens, CancellationToken ct)
    {
        var stored = await store.PutAsync(root + path, content, ct);
        return new PartFile(path, stored.Sha256, stored.Length, documents, tokens);
    }

    private static void Count(PartStats stats, string language, SignalRow row, Verdict verdict)
    {
        stats.Documents++;
        if (!stats.Languages.TryGetValue(language, out var counts)) stats.Languages[language] = counts = new long[2];
        counts[0]++;
        if (verdict.RemovedBy >= 0) stats.RemovedDocuments[verdict.RemovedBy]++;
        if (verdict.LinesRemoved is { } lines)
            for (var r = 0; r < lines.Length; r++) stats.RemovedLines[r] += lines[r];
        if (verdict.Emptied) stats.Emptied++;
        if (verdict.Kept)
        {
            stats.Kept++;
            counts[1]++;
        }
        foreach (var (signal, edges) in Histograms.Edges)
        {
            var bin = Histograms.BinOf(edges, row.Signals.Document[Rpv2Catalog.Find(signal)!.Index]);
            stats.Histograms[signal][0][bin]++;
            if (verdict.Kept) stats.Histograms[signal][1][bin]++;
        }
    }

    /// <summary>The facts a recipe sees of one document, from its signal row: the RPv2 signals by name, the model-based
    /// ones among the file's extra signals, and the duplicate sets of its corpus.</summary>
    private static DocumentFacts Facts(SignalDocument document, SignalRow row, IReadOnlyList<string> extra, RecipeBinder needs, Duplicates duplicates)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in needs.DocumentSignals)
        {
            if (Rpv2Catalog.Find(name) is { Level: SignalLevel.Document } definition) values[name] = row.Signals.Document[definition.Index];
            else
                for (var e = 0; e < extra.Count; e++)
                    if (extra[e] == name) values[name] = row.Extra[e];
        }
        var lines = needs.LineSignals.ToDictionary(name => name, name => row.Signals.Lines[Rpv2Catalog.Find(name)!.Index], StringComparer.Ordinal);
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
