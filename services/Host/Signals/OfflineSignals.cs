using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Refinery.Quality.Formats;
using Refinery.Quality.Models;
using Refinery.Quality.Rpv2;

namespace Refinery.Host.Signals;

/// <summary>`refinery signals`: computes RPv2 signals for local JSONL files with no service, one output line per
/// input document in input order. Rejected lines go to `OUT.rejected.jsonl` with file, line and reason.</summary>
public static class OfflineSignals
{
    public const int BatchSize = 1024;

    /// <summary>Rejections as {"file", "line", "reason", "detail"}.</summary>
    private static readonly JsonSerializerOptions RejectionJson = new(JsonSerializerDefaults.Web);

    public sealed record Settings(IReadOnlyList<string> Inputs, string Output, string Language, string Format, int Threads,
        ModelSignalSet? Models = null);

    public sealed record Summary(long Documents, long Rejected, double Seconds, string Output, string? RejectedFile,
        IReadOnlyDictionary<string, string> Resources)
    {
        public double DocumentsPerSecond => Seconds > 0 ? Documents / Seconds : 0;
    }

    public static async Task<Summary> RunAsync(Settings settings, Rpv2Resources resources, Action<string> progress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var gcBefore = GcStats.Now();
        var output = Path.GetFullPath(settings.Output);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var partial = output + ".partial";
        var rejectedPath = output + ".rejected.jsonl";
        var parallel = new ParallelSignals(resources, settings.Threads, settings.Models);
        long documents = 0, rejected = 0;

        await using (var sink = await SignalSinks.OpenAsync(partial, settings.Format, resources, settings.Models is not null, ct))
        await using (var rejects = new StreamWriter(rejectedPath, append: false, new UTF8Encoding(false)))
        {
            // Rejections come from the reading thread and from the delivering thread; one writer at a time.
            var rejectLock = new Lock();
            void Reject(InputRejection rejection)
            {
                lock (rejectLock)
                {
                    rejected++;
                    rejects.WriteLine(JsonSerializer.Serialize(rejection, RejectionJson));
                }
            }

            var pipeline = new SignalBatchPipeline(parallel, async (batch, results) =>
            {
                for (var i = 0; i < results.Length; i++)
                {
                    if (results[i].Signals is not { } signals)
                    {
                        Reject(new InputRejection("", 0, "signal_error", $"document {batch[i].Id}: {results[i].Error!.Message}"));
                        continue;
                    }
                    await sink.WriteAsync(signals, batch[i], ct);
                    documents++;
                }
                progress($"{documents:N0} documents");
            });
            // Reading gets a thread of its own and reads synchronously (local files: every await completes inline), so
            // it never moves between thread-pool threads chunk by chunk; it blocks while the workers are two batches behind.
            var reading = Task.Factory.StartNew(() =>
            {
                var next = new List<SignalDocument>(BatchSize);
                foreach (var input in settings.Inputs)
                {
                    foreach (var item in SignalInputReader.ReadAsync(input, settings.Language, ct).ToBlockingEnumerable(ct))
                    {
                        if (item.Rejection is { } rejection)
                        {
                            Reject(rejection);
                            continue;
                        }
                        next.Add(item.Document!);
                        if (next.Count < BatchSize) continue;
                        pipeline.Submit(next);
                        next = new List<SignalDocument>(BatchSize);
                    }
                }
                pipeline.Submit(next);
            }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                await reading;
            }
            finally
            {
                // Always, so the pipeline's threads end even when reading failed.
                await pipeline.CompleteAsync();
            }
            await sink.CompleteAsync(ct);
        }
        // Evidence for tuning (issue 15: what N threads cost over one), printed only when asked for.
        if (Environment.GetEnvironmentVariable("REFINERY_SIGNALS_GC_STATS") is "1")
            progress(GcStats.Now().Since(gcBefore, documents));
        File.Move(partial, output, overwrite: true);
        if (rejected == 0) File.Delete(rejectedPath);
        return new Summary(documents, rejected, watch.Elapsed.TotalSeconds, output, rejected > 0 ? rejectedPath : null,
            resources.Versions);
    }
}

/// <summary>The garbage collector's counters, so a run can report its collections and allocations per document.</summary>
internal readonly record struct GcStats(int Gen0, int Gen1, int Gen2, long Allocated, TimeSpan Paused)
{
    public static GcStats Now() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: false),
            GC.GetTotalPauseDuration());

    public string Since(GcStats before, long documents) =>
        $"gc: gen0 {Gen0 - before.Gen0}, gen1 {Gen1 - before.Gen1}, gen2 {Gen2 - before.Gen2}, " +
        $"allocated {(Allocated - before.Allocated) / (double)Math.Max(1, documents):F0} bytes per document, " +
        $"paused {(Paused - before.Paused).TotalMilliseconds:F0} ms";
}
