using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Options;
using Refinery.Ingestion.Domain;
using Refinery.Ingestion.Language;
using Refinery.Ingestion.Options;
using Refinery.Ingestion.Readers;
using Refinery.Storage;

namespace Refinery.Ingestion.Pipeline;

/// <summary>A shard that is complete in the object store.</summary>
public sealed record ShardWritten(int Shard, ObjectRef Documents, int DocumentCount);

/// <summary>Reads every source of a corpus in order and cuts the accepted documents into numbered shards;
/// rejected records go to quarantine. Deterministic: the same command gives the same shards, byte for byte.</summary>
public sealed class CorpusIngestor(
    IObjectStore store,
    Lazy<LanguageIdentifier> languages,
    IOptions<IngestionOptions> options,
    ILogger<CorpusIngestor> logger)
{
    // Language identification is the costly step; documents are identified in batches (in parallel for Lingua)
    // and written in their original order. The fast detector is bound by memory: its model (tens of MB) stays in
    // the CPU's caches through a batch, and reading the next batch pushes it out again, so large batches cost less
    // (bench ingest, fast detector: 4,096 documents a batch took ~6 % less CPU than 256). A batch also ends at
    // BatchChars of text, so a run of huge documents cannot hold much memory. Without language identification
    // batches stay small: documents held longer outlive the young GC generation and cost copying.
    private const int BatchSize = 4096;
    private const int BatchSizeWithoutLanguage = 256;
    private const long BatchChars = 16L << 20;

    public async Task<IngestionSummary> RunAsync(IngestCorpus command, Func<ShardWritten, Task> onShard, CancellationToken ct)
    {
        var summary = new IngestionSummary();
        var readerOptions = new ReaderOptions
        {
            TextField = command.Settings.TextField,
            IdField = command.Settings.IdField,
            UrlField = command.Settings.UrlField,
            MaxDocumentChars = options.Value.MaxDocumentChars,
            MaxRecordBytes = options.Value.MaxRecordBytes,
            MaxDecompressedBytes = options.Value.MaxDecompressedBytes,
        };
        var shards = new ShardSequence(store, command.Name, Math.Max(1, command.Settings.ShardDocuments), onShard);
        await using (shards)
        {
            foreach (var source in command.Sources)
                summary.Sources.Add(await IngestSourceAsync(command, source, readerOptions, shards, summary, ct));
            summary.ShardCount = await shards.CompleteAsync(ct);
        }
        await DeleteStaleShardsAsync(command.Name, summary.ShardCount, ct);
        return summary;
    }

    private async Task<SourceSummary> IngestSourceAsync(IngestCorpus command, SourceRef source, ReaderOptions readerOptions,
        ShardSequence shards, IngestionSummary summary, CancellationToken ct)
    {
        var name = IngestionKeys.SourceName(command.Name, source.Key);
        long accepted = 0, rejected = 0, invalidUtf8 = 0;
        await using var quarantine = new QuarantineWriter(name);
        var batchSize = command.Settings.DetectLanguage ? BatchSize : BatchSizeWithoutLanguage;
        var batch = new List<RawDocument>(batchSize);
        long batchChars = 0;

        async Task FlushAsync()
        {
            foreach (var doc in Identify(batch, command.Settings.DetectLanguage, name))
            {
                await shards.WriteAsync(doc, ct);
                summary.CountLanguage(doc.Lang);
            }
            batch.Clear();
            batchChars = 0;
        }

        try
        {
            await using var raw = await store.OpenReadAsync(source.Key, ct);
            await foreach (var item in SourceReader.ReadAsync(raw, name, source.Format is { } format ? OptionValues<SourceFormat>.NameOf(format) : null, readerOptions, ct))
            {
                if (item.Rejection is { } rejection)
                {
                    quarantine.Write(rejection);
                    summary.CountRejection(rejection.Reason);
                    IngestionMetrics.Documents.WithLabels(rejection.Reason).Inc();
                    rejected++;
                    continue;
                }
                var doc = item.Document!;
                accepted++;
                IngestionMetrics.Accepted.Inc();
                invalidUtf8 += doc.InvalidUtf8;
                batch.Add(doc);
                batchChars += doc.Text.Length;
                if (batch.Count == batchSize || batchChars >= BatchChars) await FlushAsync();
            }
        }
        catch (ObjectNotFoundException)
        {
            quarantine.Write(new Rejection(0, RejectReasons.UnreadableSource, $"source object '{source.Key}' does not exist"));
            summary.CountRejection(RejectReasons.UnreadableSource);
            rejected++;
        }
        await FlushAsync();
        summary.Accepted += accepted;
        summary.InvalidUtf8Replaced += invalidUtf8;

        var quarantineKey = IngestionKeys.Quarantine(command.Name, name);
        if (quarantine.Count > 0) await quarantine.UploadAsync(store, quarantineKey, ct);
        else await store.DeleteAsync(quarantineKey, ct); // a rerun that now accepts everything leaves no stale quarantine
        logger.LogInformation("Source {Source} of {Corpus}: {Accepted} accepted, {Rejected} rejected",
            name, command.Name, accepted, rejected);
        return new SourceSummary(source.Key, name, accepted, rejected, invalidUtf8);
    }

    private IngestedDocument[] Identify(List<RawDocument> batch, bool detect, string source)
    {
        var result = new IngestedDocument[batch.Count];
        if (detect && languages.Value.ParallelBatches)
            Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => result[i] = ToDocument(batch[i], languages.Value.Identify(batch[i].Text), source));
        else if (detect)
            for (var i = 0; i < batch.Count; i++) result[i] = ToDocument(batch[i], languages.Value.Identify(batch[i].Text), source);
        else
            for (var i = 0; i < batch.Count; i++) result[i] = ToDocument(batch[i], LanguageGuess.Unknown, source);
        return result;
    }

    private static IngestedDocument ToDocument(RawDocument raw, LanguageGuess guess, string source)
    {
        var meta = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (raw.Meta is not null)
            foreach (var (key, value) in raw.Meta) meta[key] = value;
        if (raw.Id is not null) meta["source_id"] = raw.Id;
        meta["position"] = raw.Position.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new IngestedDocument(DocumentIds.Of(source, raw.Position), raw.Text, raw.Url, guess.Code, guess.Score, source, meta);
    }

    /// <summary>A rerun with larger shards produces fewer of them; the old tail must not linger as if current.</summary>
    private async Task DeleteStaleShardsAsync(string corpus, int shardCount, CancellationToken ct)
    {
        var stale = new List<string>();
        await foreach (var info in store.ListAsync(IngestionKeys.DocsPrefix(corpus), ct))
            if (IngestionKeys.ShardOf(corpus, info.Key) is { } n && n >= shardCount)
                stale.Add(info.Key);
        foreach (var key in stale) await store.DeleteAsync(key, ct);
    }
}
