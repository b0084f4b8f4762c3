using System.Net;
using System.Net.Http.Json;

namespace Refinery.Gateway.Tests;

public sealed class RateLimitTests(RateLimitedGateway gateway) : IClassFixture<RateLimitedGateway>
{
    private static HttpContent Body() => JsonContent.Create(new { name = "limited", sources = new[] { new { key = "raw/limited/a.jsonl" } } });

    [Fact]
    public async Task WritesBeyondTheLimit_Get429WithRetryAfter_PerClient()
    {
        using var writer = gateway.Client(GatewayTestHost.WriterKey);
        using var admin = gateway.Client(GatewayTestHost.AdminKey);

        var first = await writer.PostAsync("/api/corpora", Body());
        var second = await writer.PostAsync("/api/corpora", Body());
        var third = await writer.PostAsync("/api/corpora", Body());
        var otherClient = await admin.PostAsync("/api/corpora", Body());

        Assert.NotEqual(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("60", third.Headers.GetValues("Retry-After").Single());
        Assert.Contains("WritesPerMinute", await third.Content.ReadAsStringAsync());
        Assert.NotEqual(HttpStatusCode.TooManyRequests, otherClient.StatusCode);
    }

    [Fact]
    public async Task Reads_AreNotLimited()
    {
        using var reader = gateway.Client();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/corpora")).StatusCode);
    }
}
