using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Dedup.Consumers;
using Refinery.Hosting;
using Refinery.Storage;

namespace Refinery.Dedup.Tests;

/// <summary>The dedup service as the host registers it (AddRefineryDefaults + AddDedupService: SQLite and a file-system
/// store under a temp data directory), with MassTransit's in-memory test harness as the bus.</summary>
public sealed class DedupTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DedupTestHost(IHost host, string dataDir)
    {
        _host = host;
        DataDir = dataDir;
    }

    public string DataDir { get; }
    public ITestHarness Harness => _host.Services.GetRequiredService<ITestHarness>();
    public IObjectStore Store => _host.Services.GetRequiredService<IObjectStore>();

    public static async Task<DedupTestHost> StartAsync(int partitions = 3)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "refinery-dedup-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Refinery:DataDir"] = dataDir,
            ["Refinery:Dedup:Partitions"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        builder.AddRefineryDefaults();
        builder.AddDedupService();
        // The process bus (AddRefineryBus) is replaced by the harness, with the same consumers and definitions.
        builder.Services.AddMassTransitTestHarness(x =>
        {
            x.AddConsumer<DeduplicateCorpusConsumer, DeduplicateCorpusConsumerDefinition>();
            x.AddConsumer<LinkDedupPartitionConsumer, LinkDedupPartitionConsumerDefinition>();
            x.AddConsumer<FinishDedupConsumer, FinishDedupConsumerDefinition>();
        });
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<ITestHarness>().Start();
        return new DedupTestHost(host, dataDir);
    }

    public async Task SendAsync<T>(string queue, T message) where T : class =>
        await (await Harness.Bus.GetSendEndpoint(Contracts.CommandQueues.Uri(queue))).Send(message);

    /// <summary>Waits, at most 60 s, until <paramref name="expected"/> messages of type T were published; a fault of
    /// any dedup command fails at once with its reason.</summary>
    public async Task<IReadOnlyList<T>> PublishedAsync<T>(int expected) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var seen = Harness.Published.Select<T>().Select(m => m.Context.Message).ToList();
            if (seen.Count >= expected) return seen;
            if (typeof(T).Name.StartsWith("Fault", StringComparison.Ordinal)) { await Task.Delay(25); continue; }
            foreach (var fault in Harness.Published.Select<Fault>().Select(m => m.Context.Message))
                Assert.Fail("A dedup command faulted: " + fault.Exceptions[0].Message);
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
