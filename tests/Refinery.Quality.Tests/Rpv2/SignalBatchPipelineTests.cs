using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Tests.Rpv2;

/// <summary>The reading/computing/writing pipeline of `refinery signals`: results come back in submission order with
/// any number of compute threads, equal to computing one document at a time, and a failure in the consumer surfaces.</summary>
public sealed class SignalBatchPipelineTests
{
    private static List<SignalDocument> Documents(int count, int offset) =>
        [.. Enumerable.Range(offset, count).Select(i => new SignalDocument($"d{i}",
            string.Join(' ', Enumerable.Range(0, 5 + i % 40).Select(w => $"word{(w * i) % 17}")) + (i % 3 == 0 ? "\nA second line." : ""),
            null, "en"))];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Results_ArriveInBatchOrder_AndEqualOneAtATime(int threads)
    {
        var reference = new Rpv2SignalComputer(Rpv2Resources.Empty);
        var delivered = new List<(SignalDocument Document, DocumentSignals Signals)>();
        var pipeline = new SignalBatchPipeline(new ParallelSignals(Rpv2Resources.Empty, threads), (batch, results) =>
        {
            for (var i = 0; i < batch.Count; i++) delivered.Add((batch[i], results[i].Signals!));
            return Task.CompletedTask;
        });
        var submitted = new List<SignalDocument>();
        for (var b = 0; b < 12; b++)
        {
            // Batches of uneven size, so workers finish out of order.
            var batch = Documents(b % 2 == 0 ? 200 : 7, submitted.Count);
            submitted.AddRange(batch);
            if (b % 3 == 0) await pipeline.SubmitAsync(batch);
            else pipeline.Submit(batch);
        }
        await pipeline.CompleteAsync();

        Assert.Equal(submitted.Select(d => d.Id), delivered.Select(d => d.Document.Id));
        foreach (var (document, signals) in delivered)
        {
            var expected = reference.Compute(document);
            Assert.Equal(expected.Document, signals.Document);
            Assert.Equal(expected.MinHash, signals.MinHash);
            Assert.Equal(expected.LineBounds, signals.LineBounds);
        }
    }

    [Fact]
    public async Task ConsumerFailure_IsRethrown_AndThreadsEnd()
    {
        var calls = 0;
        var pipeline = new SignalBatchPipeline(new ParallelSignals(Rpv2Resources.Empty, 2), (_, _) =>
        {
            if (++calls == 2) throw new IOException("disk full");
            return Task.CompletedTask;
        });
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (var b = 0; b < 6; b++) await pipeline.SubmitAsync(Documents(50, 50 * b));
            await pipeline.CompleteAsync();
        });
        Assert.Equal("disk full", error.Message);
        await Assert.ThrowsAsync<IOException>(pipeline.CompleteAsync);
        Assert.Equal(2, calls);
    }
}
