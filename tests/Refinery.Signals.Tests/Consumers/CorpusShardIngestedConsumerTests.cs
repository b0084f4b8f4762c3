using MassTransit.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Signals;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Signals.Data;
using Refinery.Signals.Domain;
using Refinery.Storage;
using Refinery.TestSupport;

namespace Refinery.Signals.Tests.Consumers;

public sealed class CorpusShardIngestedConsumerTests : IAsyncLifetime
{
    private ServiceTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SignalsTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<IReadOnlyList<T>> PublishedAsync<T>(int expected) where T : class => _host.PublishedAsync<T>(expected);

    private async Task<List<SignalShard>> RowsAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignalsDbContext>().Shards.AsNoTracking().ToListAsync();
    }

    private async Task<List<SignalRow>> ReadParquetAsync(string key)
    {
        await using var stream = await _host.Store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        copy.Position = 0;
        await using var reader = await SignalParquetReader.OpenAsync(copy);
        return await reader.ReadAsync().ToListAsync();
    }

    [Fact]
    public async Task ShardIngested_WritesParquetRecordsTheShard_AndPublishesShardSignalsComputed()
    {
        var shard = await DocumentShards.PutAsync(_host.Store, "books", 3, DocumentShards.EnglishDocuments(40));

        await _host.Harness.Bus.Publish(shard);

        var computed = Assert.Single(await PublishedAsync<ShardSignalsComputed>(1));
        Assert.Equal((shard.CorpusId, 3, "rpv2", 40), (computed.CorpusId, computed.Shard, computed.Config, computed.DocumentCount));
        Assert.Equal("signals/books/00003.rpv2.parquet", computed.Signals.Key);
        var rows = await ReadParquetAsync(computed.Signals.Key);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"doc-{i}"), rows.Select(r => r.Signals.Id));
        Assert.All(rows, r => Assert.NotNull(r.Signals.MinHash));
        var row = Assert.Single(await RowsAsync());
        Assert.Equal((computed.Signals.Sha256, 40, 0, shard.Documents.Sha256), (row.Sha256, row.Documents, row.Quarantined, row.DocumentsSha256));
    }

    [Fact]
    public async Task ShardsOfARunStillIngesting_ReportTheirCountWithoutATotal_AsTheCorpussSignalsJob()
    {
        var first = await DocumentShards.PutAsync(_host.Store, "counted", 0, DocumentShards.EnglishDocuments(3));
        var second = await DocumentShards.PutAsync(_host.Store, "counted", 1, DocumentShards.EnglishDocuments(4));

        await _host.Harness.Bus.Publish(first);
        Assert.Single(await PublishedAsync<JobProgressed>(1));
        await _host.Harness.Bus.Publish(second);

        var progress = await PublishedAsync<JobProgressed>(2);
        Assert.All(progress, p => Assert.Equal((JobServices.Signals, "counted/rpv2", (Guid?)first.CorpusId, "shards", 0),
            (p.Service, p.Job, p.CorpusId, p.Step, p.Total)));
        Assert.Equal([1, 2], progress.Select(p => p.Done));
    }

    [Fact]
    public async Task OnceTheRunHasEnded_ProgressCountsOutOfItsShards_AndAShardOfAnotherRunHasNoTotal()
    {
        var shards = new List<CorpusShardIngested>();
        for (var i = 0; i < 2; i++)
            shards.Add(await DocumentShards.PutAsync(_host.Store, "ended", i, DocumentShards.EnglishDocuments(2)) with { Generation = 3 });
        await CorpusObjects.WriteIngestionAsync(_host.Store, new CorpusIngestionState
        {
            CorpusId = shards[0].CorpusId, Corpus = "ended", Generation = 3, Stage = CorpusIngestionStage.Ingested, ShardCount = 2,
        }, default);

        await _host.Harness.Bus.Publish(shards[0]);
        Assert.Single(await PublishedAsync<JobProgressed>(1));
        await _host.Harness.Bus.Publish(shards[1]);
        var progress = await PublishedAsync<JobProgressed>(2);
        Assert.Equal([(1, 2), (2, 2)], progress.Select(p => (p.Done, p.Total)));

        await _host.Harness.Bus.Publish(shards[1] with { Generation = 2 });   // a late shard of an earlier run
        var late = (await PublishedAsync<JobProgressed>(3))[2];
        Assert.Equal((2, 0), (late.Done, late.Total));
    }

    [Fact]
    public async Task Redelivery_ReusesTheRecordedParquet_AndPublishesAgain()
    {
        var shard = await DocumentShards.PutAsync(_host.Store, "again", 0, DocumentShards.EnglishDocuments(5));
        await _host.Harness.Bus.Publish(shard);
        var first = Assert.Single(await PublishedAsync<ShardSignalsComputed>(1));
        var computedAt = Assert.Single(await RowsAsync()).ComputedAt;

        await _host.Harness.Bus.Publish(shard);

        var events = await PublishedAsync<ShardSignalsComputed>(2);
        Assert.Equal(2, events.Count);
        Assert.Equal(first, events[1] with { Resources = first.Resources });
        var row = Assert.Single(await RowsAsync());
        Assert.Equal(computedAt, row.ComputedAt);   // not computed a second time
    }

    [Fact]
    public async Task MalformedLine_IsQuarantinedWithItsReason_AndTheOtherDocumentsAreComputed()
    {
        var lines = DocumentShards.EnglishDocuments(30).ToList();
        lines.Insert(7, "{\"id\": \"broken\", \"text\": ");
        var shard = await DocumentShards.PutAsync(_host.Store, "damaged", 1, lines);

        await _host.Harness.Bus.Publish(shard);

        var computed = Assert.Single(await PublishedAsync<ShardSignalsComputed>(1));
        Assert.Equal(30, computed.DocumentCount);
        await using var quarantine = await _host.Store.OpenReadAsync("quarantine/damaged/signals/00001.rpv2.jsonl");
        var record = Assert.Single((await new StreamReader(quarantine).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"line\":8", record);
        Assert.Contains("malformed JSON", record);
        Assert.Equal(1, Assert.Single(await RowsAsync()).Quarantined);
    }

    [Fact]
    public async Task DocumentsThatAreNotTheAnnouncedOnes_FaultWithoutRetry_AndRecordNothing()
    {
        var shard = await DocumentShards.PutAsync(_host.Store, "changed", 0, DocumentShards.EnglishDocuments(3));
        var stale = shard with { Documents = shard.Documents with { Sha256 = new string('0', 64) } };

        await _host.Harness.Bus.Publish(stale);

        var fault = Assert.Single(await PublishedAsync<Fault<CorpusShardIngested>>(1));
        Assert.Contains(nameof(PermanentFailureException), fault.Exceptions[0].ExceptionType);
        Assert.Contains("not the one announced", fault.Exceptions[0].Message);
        var failed = Assert.Single(await _host.PublishedAsync<ShardSignalsFailed>(1, faultsExpected: true));
        Assert.Equal(("changed", stale.CorpusId, 0, "rpv2", "shard 0"), (failed.Corpus, failed.CorpusId, failed.Shard, failed.Config, failed.Step));
        Assert.Contains("not the one announced", failed.Reason);
        Assert.Empty(await RowsAsync());
        Assert.Null(await _host.Store.StatAsync("signals/changed/00000.rpv2.parquet"));
    }

    [Fact]
    public async Task AShardWhereEveryDocumentFails_FaultsInsteadOfQuarantiningEverything()
    {
        var shard = await DocumentShards.PutAsync(_host.Store, "garbage", 0, ["not json", "{]", "[1,2]", "{}"]);

        await _host.Harness.Bus.Publish(shard);

        var fault = Assert.Single(await PublishedAsync<Fault<CorpusShardIngested>>(1));
        Assert.Contains("4 of 4 documents", fault.Exceptions[0].Message);
        Assert.Empty(await RowsAsync());
    }

    [Fact]
    public async Task AKeyOutsideTheCorpusDocuments_FaultsWithoutReadingAnything()
    {
        var shard = await DocumentShards.PutAsync(_host.Store, "mine", 0, DocumentShards.EnglishDocuments(1));
        // Named for corpus 'theirs' but pointing at a document shard of 'mine'.
        var foreign = shard with { Corpus = "theirs", CorpusId = CorpusNames.IdOf("theirs") };
        // Gone before the event arrives: a consumer that read the shard before checking its key would fault on the
        // missing object instead.
        Assert.True(await _host.Store.DeleteAsync(shard.Documents.Key));

        await _host.Harness.Bus.Publish(foreign);

        var fault = Assert.Single(await PublishedAsync<Fault<CorpusShardIngested>>(1));
        Assert.Contains($"documents key '{shard.Documents.Key}' is not", fault.Exceptions[0].Message);
        Assert.Empty(await RowsAsync());
        Assert.Null(await _host.Store.StatAsync("signals/mine/00000.rpv2.parquet"));
        Assert.Null(await _host.Store.StatAsync("signals/theirs/00000.rpv2.parquet"));
    }

    [Fact]
    public async Task AFaultOfAnotherServicesConsumerOfTheEvent_IsNotASignalsFailure()
    {
        var shard = DocumentShards.Announce("elsewhere", 0,
            new Refinery.Contracts.ObjectRef { Bucket = _host.Store.Bucket, Key = "docs/elsewhere/00000.jsonl.zst", Sha256 = new string('a', 64), Length = 10 }, 1);

        // As the gateway's projection would publish it when it gives up, from its own queue.
        await _host.Harness.Bus.Publish<Fault<CorpusShardIngested>>(new
        {
            FaultId = Guid.NewGuid(), Timestamp = DateTime.UtcNow, Message = shard, Exceptions = Array.Empty<ExceptionInfo>(),
        }, c => c.SourceAddress = new Uri("loopback://localhost/gateway-corpus-shard-ingested"));

        Assert.True(await _host.Harness.Consumed.Any<Fault<CorpusShardIngested>>(c => c.Context.Message.Message.Corpus == "elsewhere"));
        Assert.Empty(_host.Harness.Published.Select<ShardSignalsFailed>()); // a failure would be published before the fault counts as consumed
    }

    [Fact]
    public async Task ADocumentsShardThatIsNotZstd_FaultsWithoutRetry_NamingIt()
    {
        var documents = await _host.Store.PutAsync("docs/plain/00000.jsonl.zst",
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(DocumentShards.Line("a", "plain text, never compressed") + "\n")));
        await _host.Harness.Bus.Publish(DocumentShards.Announce("plain", 0, documents, 1));

        var fault = Assert.Single(await PublishedAsync<Fault<CorpusShardIngested>>(1));
        Assert.Contains(nameof(PermanentFailureException), fault.Exceptions[0].ExceptionType);
        Assert.Contains("docs/plain/00000.jsonl.zst is not valid zstd", fault.Exceptions[0].Message);
        var failed = Assert.Single(await _host.PublishedAsync<ShardSignalsFailed>(1, faultsExpected: true));
        Assert.Equal(("plain", 0, "shard 0"), (failed.Corpus, failed.Shard, failed.Step));
        Assert.Empty(await RowsAsync());
    }

    [Fact]
    public async Task AMissingDocumentsShard_FaultsWithoutRetry()
    {
        var shard = DocumentShards.Announce("ghost", 2,
            new Refinery.Contracts.ObjectRef { Bucket = _host.Store.Bucket, Key = "docs/ghost/00002.jsonl.zst", Sha256 = new string('a', 64), Length = 10 }, 1);

        await _host.Harness.Bus.Publish(shard);

        var fault = Assert.Single(await PublishedAsync<Fault<CorpusShardIngested>>(1));
        Assert.Contains("does not exist", fault.Exceptions[0].Message);
        var failed = Assert.Single(await _host.PublishedAsync<ShardSignalsFailed>(1, faultsExpected: true));
        Assert.Equal(("ghost", 2, "shard 2"), (failed.Corpus, failed.Shard, failed.Step));
        Assert.Contains("does not exist", failed.Reason);
        Assert.Single(_host.Harness.GetConsumerHarness<Refinery.Signals.Consumers.CorpusShardIngestedConsumer>().Consumed.Select<CorpusShardIngested>());
    }
}
