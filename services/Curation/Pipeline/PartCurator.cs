using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;
using Refinery.Curation.Tokenize;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;
using Refinery.Text.Tokenizers;
using ZstdSharp;

namespace Refinery.Curation.Pipeline;

/// <summary>Writes one part of a dataset version: reads a corpus shard's documents and signals (<see cref="PartReader"/>),
/// applies the recipe with its ranked quantile thresholds, and writes the kept documents (cut to their kept lines)
/// as <c>documents/{part}.jsonl.zst</c>, their tokens as <c>tokens/{part}.bin</c> and, for the documents whose id
/// hashes into the validation fraction, <c>validation/{part}.bin</c>; with the part's counts and histograms.</summary>
public sealed class PartCurator(IObjectStore store, PartReader reader)
{
    public async Task<PartStats> CurateAsync(DatasetJob job, int part, CancellationToken ct)
    {
        var parts = JobInputs.Parts(job);
        if (part < 0 || part >= parts.Count) throw new PermanentFailureException($"part {part} is outside version {job.Version}'s {parts.Count}");
        var input = parts[part];
        var recipe = Recipe.Parse(job.RecipeText, job.RecipeName);
        var tokenizer = DatasetTokenizer.Create(job.Tokenizer);
        if (QuantileRounds.Recorded(job).Count < QuantileRounds.Of(recipe).Count)
            throw new PermanentFailureException($"version {job.Version}'s quantile thresholds are not all ranked yet");
        var thresholds = QuantileRounds.Thresholds(job, recipe);
        var stats = new PartStats
        {
            Corpus = input.Corpus, Shard = input.Shard,
            RemovedDocuments = new long[recipe.Rules.Count], RemovedLines = new long[recipe.Rules.Count],
            Histograms = Histograms.Edges.ToDictionary(e => e.Key, e => new[] { new long[e.Value.Length + 1], new long[e.Value.Length + 1] }),
        };
        await using var documents = TemporaryFile();
        using var train = new TokenFile(tokenizer.TokenBytes);
        using var validation = new TokenFile(tokenizer.TokenBytes);
        var scratch = new List<int>();
        using (var zstd = new CompressionStream(documents, 3, leaveOpen: true))
            await foreach (var (document, row, facts) in reader.ReadAsync(job, input, recipe, ct))
            {
                var verdict = recipe.Decide(facts, thresholds);
                Count(stats, document.Language, row, verdict);
                if (!verdict.Kept) continue;
                var text = verdict.KeptLines is { } kept && kept.Count < facts.LineCount ? LineCut.Apply(document.Text, facts.LineBounds, kept) : document.Text;
                zstd.Write(JsonSerializer.SerializeToUtf8Bytes(new
                    { id = document.Id, text, url = document.Url, language = document.Language, corpus = input.Corpus }));
                zstd.WriteByte((byte)'\n');
                scratch.Clear();
                tokenizer.EncodeDocument(text, scratch);
                if (InValidation(document.Id, job.ValidationFraction))
                {
                    validation.Append(scratch);
                    stats.ValidationDocuments++;
                }
                else train.Append(scratch);
            }
        stats.Tokens = train.Count;
        stats.ValidationTokens = validation.Count;
        var root = DatasetKeys.Root(job.Dataset, job.Version);
        documents.Position = 0;
        stats.Files.Add(await PutAsync(root, DatasetKeys.Documents(part), documents, stats.Kept, 0, ct));
        stats.Files.Add(await PutAsync(root, DatasetKeys.Tokens(part), train.Content(), stats.Kept - stats.ValidationDocuments, train.Count, ct));
        stats.Files.Add(await PutAsync(root, DatasetKeys.Validation(part), validation.Content(), stats.ValidationDocuments, validation.Count, ct));
        return stats;
    }

    /// <summary>Whether a document is held out: the top 64 bits of XxHash64 of its id, as a fraction, are below the share.</summary>
    public static bool InValidation(string id, double fraction) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(id)) < (ulong)(fraction * ulong.MaxValue);

    /// <summary>Where a part's compressed documents go until they are stored: a file, so a part's memory does not grow
    /// with its shard.</summary>
    private static FileStream TemporaryFile() => new(ScratchSpace.NewFile("documents", ".jsonl.zst"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);

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
}
