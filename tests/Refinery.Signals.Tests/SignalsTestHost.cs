using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Hosting;
using Refinery.Signals.Consumers;
using Refinery.Storage;

namespace Refinery.Signals.Tests;

/// <summary>The signals service as the host registers it (AddRefineryDefaults + AddSignalsService: SQLite and a
/// file-system store under a temp data directory), with MassTransit's in-memory test harness as the bus.</summary>
public sealed class SignalsTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SignalsTestHost(IHost host, string dataDir)
    {
        _host = host;
        DataDir = dataDir;
    }

    public string DataDir { get; }
    public IServiceProvider Services => _host.Services;
    public ITestHarness Harness => _host.Services.GetRequiredService<ITestHarness>();
    public IObjectStore Store => _host.Services.GetRequiredService<IObjectStore>();

    public static IHost Build(string dataDir, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Refinery:DataDir"] = dataDir,
            ["Refinery:Signals:MaxConcurrency"] = "2",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRefineryDefaults();
        builder.AddSignalsService();
        // The process bus (AddRefineryBus) is replaced by the harness, with the same consumer and definition.
        builder.Services.AddMassTransitTestHarness(x =>
            x.AddConsumer<CorpusShardIngestedConsumer, CorpusShardIngestedConsumerDefinition>());
        return builder.Build();
    }

    public static async Task<SignalsTestHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "refinery-signals-" + Guid.NewGuid().ToString("N"));
        var host = Build(dataDir, settings);
        await host.StartAsync();
        await host.Services.GetRequiredService<ITestHarness>().Start();
        return new SignalsTestHost(host, dataDir);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
