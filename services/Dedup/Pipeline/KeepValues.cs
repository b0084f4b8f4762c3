using Refinery.Contracts;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;

namespace Refinery.Dedup.Pipeline;

/// <summary>One document-level RPv2 signal of every document of a job, read from its signal shards in job order, for
/// keep = max:SIGNAL or min:SIGNAL. A null value is NaN and ranks below every value.</summary>
public static class KeepValues
{
    /// <summary>The catalog's index of a document-level signal, or null when there is none by that name.</summary>
    public static int? IndexOf(string signal) =>
        Rpv2Catalog.DocumentSignals.FirstOrDefault(s => s.Name == signal)?.Index;

    public static async Task<double[]> ReadAsync(IObjectStore store, IReadOnlyList<ObjectRef> shards, string signal, CancellationToken ct)
    {
        var index = IndexOf(signal) ?? throw new PermanentFailureException($"'{signal}' is not a document-level RPv2 signal");
        var values = new List<double>();
        foreach (var shard in shards)
        {
            using var bytes = await store.ReadVerifiedAsync(shard, ct);
            await using var reader = await SignalParquetReader.OpenAsync(bytes, ct: ct);
            await foreach (var row in reader.ReadAsync(SignalColumns.Only([signal]), ct)) values.Add(row.Signals.Document[index]);
        }
        return values.ToArray();
    }
}
