using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Host.Targets;
using Refinery.Storage;
using Refinery.TestSupport;

namespace Refinery.IntegrationTests;

/// <summary>One Refinery process's worth of services, in this test process, on the real backends.</summary>
public sealed class PlatformProcess : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private PlatformProcess(WebApplication app, string dataDir) => (_app, _dataDir) = (app, dataDir);

    public IServiceProvider Services => _app.Services;
    public IObjectStore Store => _app.Services.GetRequiredService<IObjectStore>();

    public static async Task<PlatformProcess> StartAsync(RealBackends backends, string targets = "all")
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "refinery-it-" + Guid.NewGuid().ToString("N"));
        var app = RefineryApp.Build(TargetCatalog.Parse(targets), [], backends.Configuration(dataDir));
        await app.StartAsync();
        // The host starts the bus's receive endpoints in the background, and RabbitMQ drops a message published before
        // a service's queue is bound to its exchange: tests publish only once every endpoint is ready.
        await app.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromMinutes(1));
        return new PlatformProcess(app, dataDir);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }
}
