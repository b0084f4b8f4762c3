using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Quality.Models;
using Refinery.Signals.Data;
using Refinery.Signals.Domain;
using Refinery.Signals.Options;
using Refinery.Signals.Resources;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Signals.Pipeline;

/// <summary>Finds a shard's signals from an earlier run, or computes them: streams the document shard in batches,
/// computes each batch in parallel, writes the Parquet file to a local temp file and uploads it whole, so the
/// object in the store is always complete. Memory holds one batch and one row group, whatever the shard size.</summary>
public sealed class ShardSignalRunner(
    IObjectStore store,
    SignalShardCatalog catalog,
    SignalResources resources,
    SignalModels models,
    SignalCompute compute,
    IOptions<SignalsOptions> options,
    TimeProvider clock,
    ILogger<ShardSignalRunner> logger)
{
    /// <summary>The recorded output for this shard when it was computed from the same documents (same sha256)
    /// with this configuration and the object is still in the store unchanged; else null.</summary>
    public async Task<SignalShard?> FindReusableAsync(CorpusShardIngested shard, CancellationToken ct)
    {
        var row = await catalog.FindAsync(shard.CorpusId, shard.Shard, options.Value.Config, ct);
        if (row is null || !string.Equals(row.DocumentsSha256, shard.Documents.Sha256, StringComparison.OrdinalIgnoreCase))
            return null;
        var stored = await store.StatAsync(row.Key, ct);
        var reusable = stored is not null && stored.Length == row.Length
                       && string.Equals(stored.Sha256, row.Sha256, StringComparison.OrdinalIgnoreCase);
        if (!reusable)
            logger.LogWarning("Recorded signals {Key} are missing or changed in the store; computing them again", row.Key);
        else
            SignalsMetrics.Shards.WithLabels("reused").Inc();
        return reusable ? row : null;
    }

    public async Task<SignalShard> ComputeAsync(CorpusShardIngested shard, CancellationToken ct)
    {
        var corpus = shard.Corpus;
        var o = options.Value;
        var started = Stopwatch.GetTimestamp();
        var lists = await resources.GetAsync(ct);
        var modelSet = await models.GetAsync(ct);
        var info = new SignalFileInfo
        {
            Config = o.Config,
            Resources = modelSet is null ? lists.Versions : lists.Versions.Concat(SignalModels.Versions(modelSet)).ToDictionary(),
            ExtraSignals = modelSet is null ? [] : ModelSignalSet.SignalNames,
        };
        var quarantine = new List<QuarantinedDocument>();
        var computed = 0;

        await using var file = new FileStream(ScratchSpace.NewFile("signals", ".parquet"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        await using (var writer = await SignalParquetWriter.CreateAsync(file, info, o.RowGroupDocuments, ct: ct))
        {
            await using var documents = new VerifyingStream(await OpenDocumentsAsync(shard.Documents.Key, ct));
            try
            {
                await foreach (var batch in ShardDocumentReader.ReadBatchesAsync(documents, o.BatchDocuments, ct))
                {
                    var valid = batch.Where(l => l.Document is not null).Select(l => l.Document!).ToList();
                    var results = await compute.ComputeAsync(valid, lists, modelSet, ct);
                    var r = 0;
                    foreach (var line in batch)
                    {
                        if (line.Document is null)
                        {
                            quarantine.Add(new QuarantinedDocument(line.LineNumber, null, line.Error!));
                            continue;
                        }
                        var result = results[r++];
                        if (result.Signals is { } signals)
                        {
                            await writer.WriteAsync(signals, signals.ModelSignals ?? default(ReadOnlyMemory<double>), ct);
                            computed++;
                        }
                        else
                        {
                            quarantine.Add(new QuarantinedDocument(line.LineNumber, line.Document.Id,
                                $"{result.Error!.GetType().Name}: {result.Error.Message}"));
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is ZstdException or InvalidDataException)
            {
                // ZstdSharp throws the first, the system's libzstd decoder (Refinery.Text.Compression) the second.
                throw new PermanentFailureException($"documents shard {shard.Documents.Key} is not valid zstd: {ex.Message}", ex);
            }
            await VerifyAsync(documents, shard, ct);
            ThrowIfSystematic(shard, computed, quarantine);
            await writer.CompleteAsync(ct);
        }

        file.Position = 0;
        var output = await store.PutAsync(SignalsKeys.Signals(corpus, shard.Shard, o.Config), file, ct);
        await StoreQuarantineAsync(corpus, shard.Shard, o.Config, quarantine, ct);

        var elapsed = Stopwatch.GetElapsedTime(started);
        SignalsMetrics.Computed.Inc(computed);
        SignalsMetrics.Quarantined.Inc(quarantine.Count);
        SignalsMetrics.Shards.WithLabels("computed").Inc();
        SignalsMetrics.ComputeSeconds.Observe(elapsed.TotalSeconds);
        return new SignalShard
        {
            CorpusId = shard.CorpusId, Shard = shard.Shard, Config = o.Config, Corpus = corpus,
            Key = output.Key, Sha256 = output.Sha256, Length = output.Length,
            DocumentsSha256 = shard.Documents.Sha256.ToLowerInvariant(), Documents = computed, Quarantined = quarantine.Count,
            ResourcesJson = JsonSerializer.Serialize(info.Resources), ComputedAt = clock.GetUtcNow().UtcDateTime,
            ElapsedMs = (long)elapsed.TotalMilliseconds,
        };
    }

    private async Task<Stream> OpenDocumentsAsync(string key, CancellationToken ct)
    {
        try
        {
            return await store.OpenReadAsync(key, ct);
        }
        catch (ObjectNotFoundException ex)
        {
            throw new PermanentFailureException($"documents shard {key} does not exist", ex);
        }
    }

    /// <summary>The bytes read must be the bytes announced: a shard rewritten since (a new ingestion run) gets its
    /// own event, and this one must not label the new documents with its checksum.</summary>
    private static async Task VerifyAsync(VerifyingStream documents, CorpusShardIngested shard, CancellationToken ct)
    {
        var sha256 = await documents.FinishAsync(ct);
        if (documents.BytesRead != shard.Documents.Length
            || !string.Equals(sha256, shard.Documents.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new PermanentFailureException(
                $"documents shard {shard.Documents.Key} is not the one announced: read {documents.BytesRead} bytes with sha256 {sha256}, " +
                $"announced {shard.Documents.Length} bytes with sha256 {shard.Documents.Sha256}");
        }
    }

    /// <summary>A few bad documents are quarantined; when most of a shard fails the cause is the code or its
    /// resources, and quarantining would silently drop good documents.</summary>
    private void ThrowIfSystematic(CorpusShardIngested shard, int computed, List<QuarantinedDocument> quarantine)
    {
        var total = computed + quarantine.Count;
        if (quarantine.Count <= Math.Max(1, options.Value.MaxQuarantinedFraction * total)) return;
        throw new PermanentFailureException(
            $"{quarantine.Count} of {total} documents of {shard.Documents.Key} failed, more than the allowed fraction " +
            $"{options.Value.MaxQuarantinedFraction}; first: line {quarantine[0].Line}: {quarantine[0].Reason}");
    }

    private async Task StoreQuarantineAsync(string corpus, int shard, string config, List<QuarantinedDocument> quarantine, CancellationToken ct)
    {
        var key = SignalsKeys.Quarantine(corpus, shard, config);
        if (quarantine.Count == 0)
        {
            // A rerun that succeeds for every document removes the record of an earlier, failed one.
            await store.DeleteAsync(key, ct);
            return;
        }
        await using var records = QuarantinedDocument.ToJsonLines(quarantine);
        await store.PutAsync(key, records, ct);
        logger.LogWarning("Shard {Corpus}/{Shard} quarantined {Quarantined} documents to {Key}; first: {Reason}",
            corpus, shard, quarantine.Count, key, quarantine[0].Reason);
    }
}
