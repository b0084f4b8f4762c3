using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Refinery.Gateway.Tests;

/// <summary>A misspelt field in a write's body is refused naming it, on every JSON write, instead of running with the
/// default it meant to change (the probe's dedup with "treshold" ran at 0.8).</summary>
public sealed class UnknownFieldTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    [Theory]
    [InlineData("/api/corpora/web/dedup", """{"treshold":0.9}""", "treshold")]
    [InlineData("/api/datasets/web/versions", """{"corpora":["web"],"recipe":"none","tokeniser":"bytes"}""", "tokeniser")]
    [InlineData("/api/datasets/web/mixtures", """{"components":[{"dataset":"web","version":"0123456789ab","weight":1,"wieght":2}],"tokenBudget":10}""", "wieght")]
    [InlineData("/api/training/jobs", """{"stages":[{"dataset":"web","version":"0123456789ab","tokens":10}],"hyperparameters":{"learningRte":0.1}}""", "learningRte")]
    [InlineData("/api/corpora", """{"name":"web","sources":[{"key":"raw/web/a.jsonl"}],"setings":{}}""", "setings")]
    public async Task AMisspeltField_Is400_NamingIt_AndNothingIsSent(string path, string body, string misspelt)
    {
        var sentBefore = gateway.Sent.Mixtures.Count + gateway.Sent.Training.Count;
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.EnumerateObject().Any(e => e.Name.EndsWith(misspelt, StringComparison.Ordinal)), errors.GetRawText());
        Assert.Equal(sentBefore, gateway.Sent.Mixtures.Count + gateway.Sent.Training.Count);
    }
}
