using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

public sealed class GatewayAndIngestionProcessesTests
{
    private const string WriterKey = "integration-writer-key";

    [Fact]
    public async Task UploadOverHttp_IsIngestedByTheOtherProcess_AndEventsReachTheClient()
    {
        var backends = await RealBackends.CreateAsync("e2e");
        var dataDir = Path.Combine(Path.GetTempPath(), "refinery-e2e-" + Guid.NewGuid().ToString("N"));
        var configuration = backends.Configuration(dataDir);
        await using var gateway = await RefineryProcess.StartAsync("gateway", configuration);
        await using var ingestion = await RefineryProcess.StartAsync("ingestion", configuration);
        using var http = new HttpClient { BaseAddress = gateway.Url, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("X-Api-Key", WriterKey);

        using var events = await http.GetAsync("/api/events?type=CorpusShardIngested,CorpusIngested",
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("web-sample"), "name" },
            { new StringContent("4"), "shardDocuments" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl"))), "files", "pages.jsonl" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(SharedData.Path("web", "warc", "cc_whirlwind.warc.gz"))), "files", "whirlwind.warc.gz" },
        };
        using var created = await http.PostAsync("/api/corpora", form);
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, $"{created.StatusCode}: {await created.Content.ReadAsStringAsync()}\n{gateway.Output}");
        var location = created.Headers.Location!;

        var seen = await ReadEventsUntilIngestedAsync(await events.Content.ReadAsStreamAsync(), TimeSpan.FromMinutes(2),
            () => gateway.Output + ingestion.Output);

        var ingested = seen.Last(e => e.Type == "CorpusIngested").Data;
        Assert.Equal(11, ingested.GetProperty("accepted").GetInt64());
        Assert.Equal(0, ingested.GetProperty("rejected").GetInt64());
        Assert.Equal(3, ingested.GetProperty("shardCount").GetInt32());
        Assert.Equal(3, seen.Count(e => e.Type == "CorpusShardIngested"));

        using var metricsClient = new HttpClient { BaseAddress = ingestion.Url };
        var metrics = await metricsClient.GetStringAsync("/metrics");
        Assert.Contains("refinery_ingestion_documents_total{outcome=\"accepted\"} 11", metrics);

        var corpus = await PollUntilAsync(http, location, body => body.GetProperty("stage").GetString() == "ingested");
        Assert.Equal(11, corpus.GetProperty("accepted").GetInt64());

        var s3 = Refinery.Storage.S3ObjectStore.Create(new Refinery.Storage.S3Options
        {
            Endpoint = TestInfrastructure.S3Endpoint, AccessKey = TestInfrastructure.S3AccessKey,
            SecretKey = TestInfrastructure.S3SecretKey, Bucket = backends.Bucket,
        });
        var keys = new List<string>();
        await foreach (var o in s3.ListAsync("docs/web-sample/")) keys.Add(o.Key);
        Assert.Equal(3, keys.Count);

        await using var pg = new NpgsqlConnection(backends.Postgres);
        await pg.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT c.\"Stage\", c.\"Accepted\", (SELECT count(*) FROM ingestion.shards s WHERE s.\"CorpusId\" = c.\"Id\") " +
            "FROM ingestion.corpora c WHERE c.\"Name\" = 'web-sample'", pg);
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), "no catalog row in PostgreSQL");
        Assert.Equal(("ingested", 11L, 3L), (row.GetString(0), row.GetInt64(1), row.GetInt64(2)));
    }

    [Fact]
    public async Task IngestCliWithApi_UploadsThroughTheGateway_AndPrintsTheOutcome_AlsoWhenRunAgain()
    {
        var backends = await RealBackends.CreateAsync("cli-api");
        var configuration = backends.Configuration(Path.Combine(Path.GetTempPath(), "refinery-e2e-" + Guid.NewGuid().ToString("N")));
        await using var gateway = await RefineryProcess.StartAsync("gateway", configuration);
        await using var ingestion = await RefineryProcess.StartAsync("ingestion", configuration);

        // The second run uploads the same file: the gateway answers for the corpus it has, and the CLI prints its outcome.
        foreach (var run in new[] { "first", "again" })
        {
            var result = await CliProcess.RunAsync(TimeSpan.FromMinutes(3), "ingest", "--api", gateway.Url.ToString(),
                "--api-key", WriterKey, "--name", "via-api", "--json", SharedData.Path("web", "warc", "resiliparse_cc_sample.warc.gz"));

            Assert.True(result.ExitCode == 0, run + ": " + result.Stderr + gateway.Output + ingestion.Output);
            var json = JsonDocument.Parse(result.Stdout).RootElement;
            Assert.Equal(("via-api", 16L, 0L), (json.GetProperty("corpus").GetString(), json.GetProperty("accepted").GetInt64(),
                json.GetProperty("rejected").GetInt64()));
        }
    }

    [Fact]
    public async Task IngestCliWithApi_WithoutAKey_IsRefused()
    {
        var backends = await RealBackends.CreateAsync("cli-nokey");
        var configuration = backends.Configuration(Path.Combine(Path.GetTempPath(), "refinery-e2e-" + Guid.NewGuid().ToString("N")));
        await using var gateway = await RefineryProcess.StartAsync("gateway", configuration);

        var result = await CliProcess.RunAsync(TimeSpan.FromMinutes(1), "ingest", "--api", gateway.Url.ToString(), "--name", "no-key",
            SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401", result.Stderr);
    }

    private static async Task<List<(string Type, JsonElement Data)>> ReadEventsUntilIngestedAsync(Stream stream, TimeSpan timeout,
        Func<string> diagnostics)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var seen = new List<(string, JsonElement)>();
        string? type = null;
        try
        {
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith("event:")) type = line[6..].Trim();
                else if (line.StartsWith("data:") && type is not null)
                {
                    seen.Add((type, JsonDocument.Parse(line[5..]).RootElement.Clone()));
                    if (type == "CorpusIngested") return seen;
                }
            }
        }
        catch (OperationCanceledException) { }
        throw new TimeoutException($"No CorpusIngested event within {timeout}; saw {seen.Count} events.\n{diagnostics()}");
    }

    private static async Task<JsonElement> PollUntilAsync(HttpClient http, Uri location, Func<JsonElement, bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            var body = JsonDocument.Parse(await http.GetStringAsync(location)).RootElement.Clone();
            if (done(body)) return body;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{location} never reached the expected state");
    }
}
