using System.Text.RegularExpressions;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

public sealed class IngestionProcessKilledTests
{
    [Fact]
    public async Task IngestionProcessKilledMidCorpus_AnotherFinishesIt_WithTheSameShardsAndNoDuplicates()
    {
        var backends = await RealBackends.CreateAsync("kill");
        var configuration = backends.Configuration(Path.Combine(Path.GetTempPath(), "refinery-kill-" + Guid.NewGuid().ToString("N")));
        configuration["Refinery:Ingestion:JobLease"] = "00:00:05";
        // The worker logs when it starts and when it finishes a corpus: the assertions below read both processes' logs.
        configuration["Serilog:MinimumLevel:Override:Refinery.Ingestion"] = "Information";
        await using var gateway = await RefineryProcess.StartAsync("gateway", configuration);
        await using var victim = await RefineryProcess.StartAsync("ingestion", configuration);
        using var http = new HttpClient { BaseAddress = gateway.Url, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("X-Api-Key", "integration-writer-key");
        using var events = await http.GetAsync("/api/events?type=CorpusShardIngested,CorpusIngested", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(), Encoding.UTF8);

        // 16,270 paragraphs of LibreOffice help, text in the "en" field: long enough to be killed mid-way.
        using var form = new MultipartFormDataContent
        {
            { new StringContent("help-en"), "name" },
            { new StringContent("en"), "textField" },
            { new StringContent("1000"), "shardDocuments" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(SharedData.Path("multilingual", "dev_libreoffice_help_parallel_en-fi.jsonl.gz"))),
              "files", "help.jsonl.gz" },
        };
        using (var created = await http.PostAsync("/api/corpora", form))
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);

        await using var pg = new NpgsqlConnection(backends.Postgres);
        await pg.OpenAsync();
        Assert.Equal("CorpusShardIngested", (await NextEventAsync(reader)).Type);
        // Mid-work: the victim holds the job's lease, the corpus is still ingesting, and it has written a shard.
        var (stage, owner, attempts) = await JobAsync(pg);
        await victim.KillAsync();
        Assert.Equal(CorpusStage.Ingesting, stage);
        Assert.StartsWith($"{Environment.MachineName}/{victim.Id}/", owner);
        Assert.Equal(1, attempts);
        await using var successor = await RefineryProcess.StartAsync("ingestion", configuration);

        JsonElement done;
        while (true)
        {
            var (type, data) = await NextEventAsync(reader, () => successor.Output);
            if (type == "CorpusIngested") { done = data; break; }
        }
        Assert.Equal(16_270, done.GetProperty("accepted").GetInt64());
        Assert.Equal(17, done.GetProperty("shardCount").GetInt32());
        // The victim started the corpus and never finished it; the successor claimed it a second time and finished it.
        Assert.Contains("Ingesting corpus help-en", victim.Output);
        Assert.DoesNotContain("Corpus help-en: read", victim.Output);
        Assert.Contains("Ingesting corpus help-en", successor.Output);
        // The process's output is read as it comes, so its summary line may trail the event it logged before.
        const string summary = @"Corpus help-en: read \d+, accepted 16270, rejected \d+, 17 shards";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !Regex.IsMatch(successor.Output, summary);)
            await Task.Delay(100);
        Assert.Matches(summary, successor.Output);
        Assert.Equal((CorpusStage.Ingested, (string?)null, 2), await JobAsync(pg));

        await using var query = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT \"Shard\"), sum(\"DocumentCount\") FROM ingestion.shards", pg);
        await using var row = await query.ExecuteReaderAsync();
        await row.ReadAsync();
        Assert.Equal((17L, 17L, 16_270L), (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2)));
    }

    private static class CorpusStage
    {
        public const string Ingesting = "ingesting", Ingested = "ingested";
    }

    /// <summary>The corpus' job as the catalog has it: stage, lease owner ("machine/pid/guid") and claims so far.</summary>
    private static async Task<(string Stage, string? Owner, int Attempts)> JobAsync(NpgsqlConnection pg)
    {
        await using var query = new NpgsqlCommand(
            "SELECT \"Stage\", \"LeaseOwner\", \"Attempts\" FROM ingestion.corpora WHERE \"Name\" = 'help-en'", pg);
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), "no catalog row for help-en");
        return (row.GetString(0), row.IsDBNull(1) ? null : row.GetString(1), row.GetInt32(2));
    }

    private static async Task<(string Type, JsonElement Data)> NextEventAsync(StreamReader reader, Func<string>? diagnostics = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        string? type = null;
        try
        {
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith("event:")) type = line[6..].Trim();
                else if (line.StartsWith("data:") && type is not null) return (type, JsonDocument.Parse(line[5..]).RootElement.Clone());
            }
        }
        catch (OperationCanceledException) { }
        throw new TimeoutException("No further event from the gateway.\n" + diagnostics?.Invoke());
    }
}
