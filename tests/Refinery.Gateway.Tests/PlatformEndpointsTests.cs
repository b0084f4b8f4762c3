using System.Net;

namespace Refinery.Gateway.Tests;

public sealed class PlatformEndpointsTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    [Fact]
    public async Task OpenApiDocument_Is200_AndListsTheCorporaApi()
    {
        using var response = await gateway.Client().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"/api/corpora\"", document);
        Assert.Contains("\"/api/corpora/{id}/documents\"", document);
        Assert.Contains("\"/api/events\"", document);
    }

    [Fact]
    public async Task ScalarReference_Is200()
    {
        using var response = await gateway.Client().GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthLive_Is200()
    {
        using var response = await gateway.Client().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthReady_Is200_WithTheGatewayDatabase()
    {
        using var response = await gateway.Client().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("db-gateway", await response.Content.ReadAsStringAsync());
    }
}
