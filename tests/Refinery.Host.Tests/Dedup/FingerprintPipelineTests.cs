using Refinery.Contracts.Dedup;
using Refinery.Host.Dedup;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.TestSupport;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Host.Tests.Dedup;

/// <summary>`refinery dedup` fingerprints on worker threads while it reads; the threads must change nothing but the time.</summary>
public sealed class FingerprintPipelineTests : IDisposable
{
    private static readonly string[] DevDocuments = ["dedup", "dev_neardup_docs.jsonl.gz"];
    private readonly string _dir = Directory.CreateTempSubdirectory("refinery-fingerprint-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Batches_ComeBackInInputOrder_WithTheSingleThreadFingerprints()
    {
        var documents = new List<SignalDocument>();
        await foreach (var item in SignalInputReader.ReadAsync(SharedData.Path(DevDocuments), "en"))
            if (item.Document is { } d) documents.Add(d);
        var reference = new DedupFingerprinter(MinHashPermutations.RpV2, 13);
        var collected = new List<(string Id, uint[]? Signature, UInt128 Key)>();
        void Collect(FingerprintBatch batch)
        {
            for (var i = 0; i < batch.Documents.Count; i++)
                collected.Add((batch.Documents[i].Id, batch.HasSignature[i] ? batch.SignatureOf(i).ToArray() : null, batch.ExactKeys[i]));
        }
        using (var pipeline = new FingerprintPipeline(3, () => new DedupFingerprinter(MinHashPermutations.RpV2, 13), 128, withShingles: false,
                   ExactKeyKind.Normalized, Collect))
        {
            // Small batches of uneven sizes, so several are in flight at once and finish out of order.
            var batch = pipeline.Rent();
            for (var i = 0; i < documents.Count; i++)
            {
                batch.Documents.Add(documents[i]);
                if (batch.Documents.Count < 1 + i % 7) continue;
                pipeline.Post(batch);
                batch = pipeline.Rent();
            }
            pipeline.Post(batch);
            pipeline.Complete();
        }

        Assert.True(documents.Count > 500, $"only {documents.Count} documents");
        Assert.Equal(documents.Select(d => d.Id), collected.Select(c => c.Id));
        for (var i = 0; i < documents.Count; i++)
        {
            var expected = reference.Compute(documents[i].Text, withShingles: false);
            Assert.Equal(expected.Signature, collected[i].Signature);
            Assert.Equal(expected.NormalizedKey, collected[i].Key);
        }
    }

    [Theory]
    [InlineData("sha1")]
    [InlineData("xxhash3")]
    public async Task TwoAndThreeThreads_WriteTheSameClusters_AsOneThread(string hash)
    {
        var outputs = new List<string>();
        foreach (var threads in new[] { 1, 2, 3 })
        {
            var output = Path.Combine(_dir, $"clusters-{hash}-{threads}.jsonl");
            await OfflineDedup.RunAsync(new OfflineDedup.Settings([SharedData.Path(DevDocuments)], output, 0.8, Verify: true, Exact: true,
                Hash: hash == "xxhash3" ? ShingleHash.XxHash3 : ShingleHash.Sha1, Threads: threads, WorkDir: _dir), _ => { }, CancellationToken.None);
            outputs.Add(await File.ReadAllTextAsync(output));
        }

        Assert.True(outputs[0].Split('\n').Length > 100, "the labelled set has many near copies");
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
    }
}
