using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Contracts.Ingestion;
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

    /// <summary>Waits, at most 30 s, until <paramref name="expected"/> messages of type T were published.
    /// Polls a snapshot: the harness's async enumeration may end early when the bus looks idle.</summary>
    public async Task<IReadOnlyList<T>> PublishedAsync<T>(int expected) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var seen = Harness.Published.Select<T>().Select(m => m.Context.Message).ToList();
            if (seen.Count >= expected) return seen;
            // Waiting for results, a fault means they will never come: say why at once.
            if (typeof(T) != typeof(Fault<CorpusShardIngested>)
                && Harness.Published.Select<Fault<CorpusShardIngested>>().FirstOrDefault() is { } fault)
                Assert.Fail("The shard faulted: " + fault.Context.Message.Exceptions[0].Message);
            await Task.Delay(25);
        }
        return Harness.Published.Select<T>().Select(m => m.Context.Message).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
