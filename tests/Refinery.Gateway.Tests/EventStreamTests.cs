using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;

namespace Refinery.Gateway.Tests;

public sealed class EventStreamTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private sealed record Frame(string? Event, string? Id, string Data);

    /// <summary>Reads frames (skipping comments) until one arrives; bounded by <paramref name="ct"/>.</summary>
    private static async Task<Frame> NextFrameAsync(StreamReader reader, CancellationToken ct)
    {
        string? type = null, id = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0) return new Frame(type, id, data.ToString());
                continue;
            }
            if (line.StartsWith(':')) continue;
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line[6..]);
        }
        throw new EndOfStreamException("the event stream ended");
    }

    private static CorpusIngested Ingested(Guid id, string name) => new()
    {
        CorpusId = id, Name = name, ShardCount = 1, Read = 2, Accepted = 2, Rejected = 0, InvalidUtf8Replaced = 0,
        RejectedByReason = new Dictionary<string, long>(), Languages = new Dictionary<string, long> { ["en"] = 2 },
    };

    [Fact]
    public async Task Events_FilteredByType_DeliversTheMatchingEventAsAFrame()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var client = gateway.Client();
        using var response = await client.GetAsync("/api/events?type=CorpusIngested", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var id = CorpusNames.IdOf("sse-corpus");
        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = "sse-corpus", SourceCount = 1 }, timeout.Token);
        await gateway.Bus.Publish(Ingested(id, "sse-corpus"), timeout.Token);

        var frame = await NextFrameAsync(reader, timeout.Token);
        Assert.Equal("CorpusIngested", frame.Event);
        Assert.True(Guid.TryParse(frame.Id, out _));
        var message = JsonSerializer.Deserialize<CorpusIngested>(frame.Data, GatewayTestHost.Json)!;
        Assert.Equal(id, message.CorpusId);
        Assert.Equal(2, message.Accepted);
    }

    [Fact]
    public async Task Events_FilteredByCorpus_SkipsOtherCorpora()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var wanted = CorpusNames.IdOf("sse-wanted");
        using var client = gateway.Client();
        using var response = await client.GetAsync($"/api/events?corpus={wanted}&type=CorpusShardIngested,CorpusIngested",
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        await gateway.Bus.Publish(Ingested(CorpusNames.IdOf("sse-other"), "sse-other"), timeout.Token);
        await gateway.Bus.Publish(new CorpusShardIngested
        {
            CorpusId = wanted, Shard = 3, DocumentCount = 1,
            Documents = new ObjectRef { Bucket = "b", Key = "docs/sse-wanted/00003.jsonl.zst", Sha256 = "00", Length = 1 },
        }, timeout.Token);

        var frame = await NextFrameAsync(reader, timeout.Token);
        Assert.Equal("CorpusShardIngested", frame.Event);
        Assert.Contains(wanted.ToString(), frame.Data);
    }

    [Fact]
    public async Task Events_UnknownType_Is400NamingType()
    {
        using var response = await gateway.Client().GetAsync("/api/events?type=CorpusIngested,NoSuchEvent");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("NoSuchEvent", errors.GetProperty("type")[0].GetString());
    }
}

public sealed class KeepAliveGateway : GatewayTestHost
{
    protected override Dictionary<string, string?> Configuration()
    {
        var config = base.Configuration();
        config["Refinery:Gateway:EventKeepAlive"] = "00:00:00.200";
        return config;
    }
}

public sealed class EventKeepAliveTests(KeepAliveGateway gateway) : IClassFixture<KeepAliveGateway>
{
    [Fact]
    public async Task Events_WhenIdle_SendsKeepAliveComments()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var client = gateway.Client();
        using var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        string? line;
        do line = await reader.ReadLineAsync(timeout.Token);
        while (line is not null && line != ": keep-alive");

        Assert.Equal(": keep-alive", line);
    }
}
