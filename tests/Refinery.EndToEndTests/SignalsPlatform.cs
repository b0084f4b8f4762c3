using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Refinery.Quality.Formats;
using Refinery.Storage;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

/// <summary>The distributed shape for the signals tests: one gateway+ingestion process and signals processes on
/// the real RabbitMQ, PostgreSQL and S3; submits a real corpus cut into small shards and follows the event stream.</summary>
public sealed class SignalsPlatform : IAsyncDisposable
{
    public const string Corpus = "cc-pages";

    /// <summary>372 Common Crawl pages; 30 documents a shard gives 13 shards.</summary>
    public const int ShardDocuments = 30;

    private readonly List<RefineryProcess> _processes = [];
    private HttpClient? _http;
    private HttpResponseMessage? _events;
    private StreamReader? _reader;

    private SignalsPlatform(RealBackends backends, Dictionary<string, string?> configuration)
    {
        Backends = backends;
        Configuration = configuration;
    }

    public RealBackends Backends { get; }
    public Dictionary<string, string?> Configuration { get; }
    public RefineryProcess Gateway { get; private set; } = null!;
    public List<RefineryProcess> Signals { get; } = [];
    public List<RefineryProcess> Dedup { get; } = [];

    public string Diagnostics => string.Join("\n----\n", _processes.Select(p => p.Output));

    public List<RefineryProcess> Curation { get; } = [];

    public static async Task<SignalsPlatform> StartAsync(string prefix, int signalsProcesses, int dedupProcesses = 0, int curationProcesses = 0)
    {
        var backends = await RealBackends.CreateAsync(prefix);
        var configuration = backends.Configuration(Path.Combine(Path.GetTempPath(), $"refinery-{prefix}-{Guid.NewGuid():N}"));
        // The signals processes log when they start a shard: the kill test waits for that line.
        configuration["Serilog:MinimumLevel:Override:Refinery.Signals"] = "Information";
        configuration["Refinery:Signals:MaxConcurrency"] = "2";
        configuration["Serilog:MinimumLevel:Override:Refinery.Dedup"] = "Information";
        configuration["Refinery:Dedup:Partitions"] = "6";
        configuration["Refinery:Dedup:MaxConcurrency"] = "1";
        configuration["Serilog:MinimumLevel:Override:Refinery.Curation"] = "Information";
        configuration["Refinery:Curation:MaxConcurrency"] = "1";
        var platform = new SignalsPlatform(backends, configuration);
        try
        {
            platform.Gateway = await platform.StartProcessAsync("gateway,ingestion");
            for (var i = 0; i < signalsProcesses; i++) platform.Signals.Add(await platform.StartProcessAsync("signals"));
            for (var i = 0; i < dedupProcesses; i++) platform.Dedup.Add(await platform.StartProcessAsync("dedup"));
            for (var i = 0; i < curationProcesses; i++) platform.Curation.Add(await platform.StartProcessAsync("curation"));

            platform._http = new HttpClient { BaseAddress = platform.Gateway.Url, Timeout = Timeout.InfiniteTimeSpan };
            platform._http.DefaultRequestHeaders.Add("X-Api-Key", "integration-writer-key");
            platform._events = await platform._http.GetAsync("/api/events?type=ShardSignalsComputed,CorpusIngested,CorpusIngestionFailed,CorpusDeduplicated,DatasetVersionCreated",
                HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, platform._events.StatusCode);
            platform._reader = new StreamReader(await platform._events.Content.ReadAsStreamAsync(), Encoding.UTF8);
            return platform;
        }
        catch
        {
            // The caller never receives the platform to dispose: stop the processes already started here.
            await platform.DisposeAsync();
            throw;
        }
    }

    public async Task<RefineryProcess> StartProcessAsync(string targets)
    {
        var process = await RefineryProcess.StartAsync(targets, Configuration);
        _processes.Add(process);
        return process;
    }

    /// <summary>Submits the 372 Common Crawl pages, or another file of ../shared/data, as corpus <see cref="Corpus"/>.</summary>
    public async Task SubmitCorpusAsync(params string[] dataFile)
    {
        if (dataFile.Length == 0) dataFile = ["web", "dev_dolma_cc_licensed_pages.jsonl.gz"];
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Corpus), "name" },
            { new StringContent(ShardDocuments.ToString(System.Globalization.CultureInfo.InvariantCulture)), "shardDocuments" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(SharedData.Path(dataFile))), "files", "pages.jsonl.gz" },
        };
        using var created = await _http!.PostAsync("/api/corpora", form);
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, $"{created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
    }

    /// <summary>Reads events until the corpus is ingested and every one of its shards has signals; returns the shard
    /// count and each shard's ShardSignalsComputed events (a redelivered shard may be announced twice).</summary>
    public async Task<(int ShardCount, long Accepted, Dictionary<int, List<JsonElement>> Signals)> WaitForAllSignalsAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var signals = new Dictionary<int, List<JsonElement>>();
        int? shardCount = null;
        long accepted = 0;
        string? type = null;
        try
        {
            while (await _reader!.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal)) { type = line[6..].Trim(); continue; }
                if (!line.StartsWith("data:", StringComparison.Ordinal) || type is null) continue;
                var data = JsonDocument.Parse(line[5..]).RootElement.Clone();
                switch (type)
                {
                    case "CorpusIngestionFailed":
                        throw new InvalidOperationException($"Ingestion failed: {data}\n{Diagnostics}");
                    case "CorpusIngested":
                        shardCount = data.GetProperty("shardCount").GetInt32();
                        accepted = data.GetProperty("accepted").GetInt64();
                        break;
                    case "ShardSignalsComputed":
                        var shard = data.GetProperty("shard").GetInt32();
                        if (!signals.TryGetValue(shard, out var list)) signals[shard] = list = [];
                        list.Add(data);
                        break;
                }
                if (shardCount is { } n && Enumerable.Range(0, n).All(signals.ContainsKey)) return (n, accepted, signals);
            }
        }
        catch (OperationCanceledException) { }
        throw new TimeoutException($"Signals incomplete after {timeout}: ingested shards {shardCount?.ToString() ?? "?"}, " +
                                   $"signal shards [{string.Join(",", signals.Keys.Order())}]\n{Diagnostics}");
    }

    /// <summary>Asks the gateway for the corpus's duplicate clusters and reads events until they are announced.</summary>
    public Task<JsonElement> DeduplicateAsync(double threshold, TimeSpan timeout, bool verify = false) =>
        PostAndAwaitAsync($"/api/corpora/{Corpus}/dedup", new { threshold, verify }, "CorpusDeduplicated", timeout);

    /// <summary>Asks the gateway for a dataset version of the corpus and reads events until it is announced.</summary>
    public Task<JsonElement> CreateDatasetAsync(string dataset, string recipe, string tokenizer, TimeSpan timeout) =>
        PostAndAwaitAsync($"/api/datasets/{dataset}/versions", new { corpora = new[] { Corpus }, recipe, tokenizer }, "DatasetVersionCreated", timeout);

    /// <summary>Posts a request the gateway must accept, then reads the event stream until an event of
    /// <paramref name="eventType"/> arrives, and returns its data.</summary>
    private async Task<JsonElement> PostAndAwaitAsync(string url, object body, string eventType, TimeSpan timeout)
    {
        using var started = await _http!.PostAsJsonAsync(url, body);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        using var cts = new CancellationTokenSource(timeout);
        string? type = null;
        try
        {
            while (await _reader!.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal)) { type = line[6..].Trim(); continue; }
                if (type == eventType && line.StartsWith("data:", StringComparison.Ordinal))
                    return JsonDocument.Parse(line[5..]).RootElement.Clone();
            }
        }
        catch (OperationCanceledException) { }
        throw new TimeoutException($"no {eventType} after {timeout}\n{Diagnostics}");
    }

    public S3ObjectStore Store() => S3ObjectStore.Create(new S3Options
    {
        Endpoint = TestInfrastructure.S3Endpoint, AccessKey = TestInfrastructure.S3AccessKey,
        SecretKey = TestInfrastructure.S3SecretKey, Bucket = Backends.Bucket,
    });

    /// <summary>Asserts the outputs: exactly one signals Parquet per document shard in S3 and nothing else under the
    /// corpus' signals prefix, one PostgreSQL row per shard, and each file's rows equal to its shard's documents.</summary>
    public async Task AssertOneCompleteSignalShardPerDocumentShardAsync(int shardCount, long accepted)
    {
        var store = S3ObjectStore.Create(new S3Options
        {
            Endpoint = TestInfrastructure.S3Endpoint, AccessKey = TestInfrastructure.S3AccessKey,
            SecretKey = TestInfrastructure.S3SecretKey, Bucket = Backends.Bucket,
        });
        var keys = new List<string>();
        await foreach (var o in store.ListAsync($"signals/{Corpus}/")) keys.Add(o.Key);
        Assert.Equal(Enumerable.Range(0, shardCount).Select(s => $"signals/{Corpus}/{s:D5}.rpv2.parquet"), keys);

        await using var pg = new NpgsqlConnection(Backends.Postgres);
        await pg.OpenAsync();
        await using (var query = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT \"Shard\"), coalesce(sum(\"Documents\"), 0), coalesce(sum(\"Quarantined\"), 0) FROM signals.shards", pg))
        await using (var row = await query.ExecuteReaderAsync())
        {
            await row.ReadAsync();
            Assert.Equal(((long)shardCount, (long)shardCount, accepted, 0L), (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2), row.GetInt64(3)));
        }

        var documents = new Dictionary<int, int>();
        await using (var query = new NpgsqlCommand("SELECT \"Shard\", \"DocumentCount\" FROM ingestion.shards", pg))
        await using (var row = await query.ExecuteReaderAsync())
            while (await row.ReadAsync()) documents[row.GetInt32(0)] = row.GetInt32(1);
        foreach (var (shard, key) in keys.Select((k, i) => (i, k)))
        {
            await using var stream = await store.OpenReadAsync(key);
            using var local = new MemoryStream();
            await stream.CopyToAsync(local);
            local.Position = 0;
            await using var reader = await SignalParquetReader.OpenAsync(local);
            Assert.Equal(documents[shard], reader.RowCount);
            Assert.Equal("rpv2", reader.Info.Config);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Processes first: stopping them never throws, and nothing below may keep one of them alive.
        foreach (var process in _processes) await process.DisposeAsync();
        _reader?.Dispose();
        _events?.Dispose();
        _http?.Dispose();
    }
}
