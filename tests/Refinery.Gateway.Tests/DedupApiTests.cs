using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Refinery.Gateway.Tests;

public sealed class DedupApiTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    [Fact]
    public async Task Post_WithWriterKey_Is202_AndSendsDeduplicateCorpusToTheDedupQueue()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora/web-pages/dedup", new { threshold = 0.7 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("rpv2-0.7", "dedup/web-pages/rpv2-0.7/clusters.parquet"),
            (body.GetProperty("config").GetString(), body.GetProperty("clusters").GetString()));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!gateway.Sent.Dedup.Any(c => c.Corpus == "web-pages") && DateTime.UtcNow < deadline) await Task.Delay(20);
        var command = Assert.Single(gateway.Sent.Dedup, c => c.Corpus == "web-pages");
        Assert.Equal((0.7, "rpv2"), (command.Threshold, command.SignalsConfig));
    }

    [Theory]
    [InlineData("web-pages", 0.75)]
    [InlineData("a..b", 0.8)]
    [InlineData("Bad Name", 0.8)]
    public async Task Post_WithAnInvalidNameOrThreshold_Is400_NamingTheField(string name, double threshold)
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync($"/api/corpora/{Uri.EscapeDataString(name)}/dedup", new { threshold });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(threshold == 0.75 ? "threshold" : "name", out _), errors.ToString());
    }

    [Fact]
    public async Task Post_WithReaderKey_Is403()
    {
        using var response = await gateway.Client(GatewayTestHost.ReaderKey).PostAsJsonAsync("/api/corpora/web-pages/dedup", new { threshold = 0.8 });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
