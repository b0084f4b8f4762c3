using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Refinery.Gateway.Tests;

public sealed class DatasetsApiTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    [Fact]
    public async Task Post_WithWriterKey_Is202_AndSendsCreateDatasetVersionToCuration()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/datasets/web-gopher/versions",
            new { corpora = new[] { "web-pages", "news" }, recipe = "gopher", tokenizer = "bytes", validationFraction = 0.05 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/events?type=DatasetVersionCreated", response.Headers.Location?.ToString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!gateway.Sent.Datasets.Any(c => c.Dataset == "web-gopher") && DateTime.UtcNow < deadline) await Task.Delay(20);
        var command = Assert.Single(gateway.Sent.Datasets, c => c.Dataset == "web-gopher");
        Assert.Equal(["web-pages", "news"], command.Corpora);
        Assert.Equal(("gopher", "bytes", 0.05), (command.Recipe, command.Tokenizer, command.ValidationFraction));
    }

    [Theory]
    [InlineData("name", "a..b", "{\"corpora\":[\"web\"],\"recipe\":\"none\"}")]
    [InlineData("corpora", "ds", "{\"corpora\":[],\"recipe\":\"none\"}")]
    [InlineData("corpora", "ds", "{\"corpora\":[\"Bad Name\"],\"recipe\":\"none\"}")]
    [InlineData("recipe", "ds", "{\"corpora\":[\"web\"]}")]
    [InlineData("tokenizer", "ds", "{\"corpora\":[\"web\"],\"recipe\":\"none\",\"tokenizer\":\"llama\"}")]
    [InlineData("validationFraction", "ds", "{\"corpora\":[\"web\"],\"recipe\":\"none\",\"validationFraction\":1.5}")]
    public async Task Post_WithABadField_Is400_NamingIt(string field, string name, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync($"/api/datasets/{Uri.EscapeDataString(name)}/versions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Fact]
    public async Task Post_WithAReaderKey_Is403()
    {
        using var response = await gateway.Client(GatewayTestHost.ReaderKey).PostAsJsonAsync("/api/datasets/ds/versions",
            new { corpora = new[] { "web" }, recipe = "none" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
