using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Refinery.Gateway.Tests;

/// <summary>The real refinery binary's entry point (serve, all targets, embedded default) exposes the gateway.</summary>
public sealed class HostProgramTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "refinery-gateway-host-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? _factory;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Refinery:DataDir", _dataDir)
            .UseSetting("Serilog:MinimumLevel:Default", "Warning"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Host_ServesTheGatewayApi_OpenApiAndHealth()
    {
        using var client = _factory!.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/corpora")).StatusCode);
        var openApi = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/api/corpora", await openApi.Content.ReadAsStringAsync());
        Assert.True(Directory.Exists(Path.Combine(_dataDir, "db")), "the host did not use the test's data directory");
    }
}
