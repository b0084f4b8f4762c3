using System.Buffers.Binary;
using Refinery.Contracts;
using Refinery.Curation.Recipes;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Curation.Pipeline;

/// <summary>Finds a quantile condition's threshold from every part's sorted values without loading them: the total
/// count gives the threshold's index (<see cref="Recipe.ThresholdIndex"/>), and a merge of the sorted files, one
/// value of each in memory, walks to it. The result equals sorting all values together, as <c>refinery filter</c> does.</summary>
public sealed class QuantileMerger(IObjectStore store)
{
    public async Task<RankedQuantile> ThresholdAsync(QuantileExpr quantile, IReadOnlyList<ObjectRef> files, CancellationToken ct)
    {
        var ranked = files.Sum(f => f.Length) / sizeof(double);
        if (ranked == 0) return new RankedQuantile(null, 0);
        var index = Recipe.ThresholdIndex(quantile, ranked);
        var streams = new List<Stream>(files.Count);
        var buffer = new byte[sizeof(double)];
        try
        {
            var heads = new PriorityQueue<int, double>();
            foreach (var file in files.Where(f => f.Length > 0))
            {
                streams.Add(new BufferedStream(await store.ReadVerifiedAsync(file, ct), 1 << 16));
                heads.Enqueue(streams.Count - 1, await NextAsync(streams[^1], buffer, ct) ?? throw Truncated(file));
            }
            for (var i = 0L; ; i++)
            {
                if (!heads.TryDequeue(out var s, out var value))
                    throw new InvalidDataException($"the ranked values of {quantile.Signal} end before the {ranked} their files' lengths promise");
                if (i == index) return new RankedQuantile(value, ranked);
                if (await NextAsync(streams[s], buffer, ct) is { } next) heads.Enqueue(s, next);
            }
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    private static async Task<double?> NextAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var read = await stream.ReadAtLeastAsync(buffer, sizeof(double), throwOnEndOfStream: false, ct);
        return read == sizeof(double) ? BinaryPrimitives.ReadDoubleLittleEndian(buffer) : null;
    }

    private static InvalidDataException Truncated(ObjectRef file) => new($"{file.Key} holds no value though its length says it does");
}
