using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Hosting;
using Refinery.Hosting.Storage;
using Refinery.Storage;
using Xunit;

namespace Refinery.TestSupport;

/// <summary>One service as the host registers it (AddRefineryDefaults plus the service: SQLite and a file-system store
/// under a temp data directory), with MassTransit's in-memory test harness as the bus in place of AddRefineryBus.</summary>
public sealed class ServiceTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private readonly IReadOnlySet<string> _otherServicesQueues;

    private ServiceTestHost(IHost host, string dataDir, IReadOnlySet<string> otherServicesQueues)
    {
        _host = host;
        DataDir = dataDir;
        _otherServicesQueues = otherServicesQueues;
    }

    public string DataDir { get; }
    public IServiceProvider Services => _host.Services;

    /// <summary>One run of the service's storage sweep with <typeparamref name="TRule"/>, as its scheduled sweep runs it.</summary>
    public async Task<SweepResult> SweepAsync<TRule>(TimeSpan grace, bool dryRun = false) where TRule : IStorageSweepRule
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ObjectSweep>()
            .RunAsync(scope.ServiceProvider.GetRequiredService<TRule>(), new SweepSettings(grace, dryRun), CancellationToken.None);
    }

    /// <summary>Sweeps with grace 0, the harshest case, again and again until <paramref name="stop"/>; every run's result.</summary>
    public Task<List<SweepResult>> SweepUntilAsync<TRule>(CancellationToken stop) where TRule : IStorageSweepRule => Task.Run(async () =>
    {
        var results = new List<SweepResult>();
        while (!stop.IsCancellationRequested)
        {
            results.Add(await SweepAsync<TRule>(TimeSpan.Zero));
            await Task.Delay(10);
        }
        return results;
    });
    public ITestHarness Harness => _host.Services.GetRequiredService<ITestHarness>();
    public IObjectStore Store => _host.Services.GetRequiredService<IObjectStore>();

    /// <param name="addService">The service's registration, e.g. <c>b => b.AddSignalsService()</c>.</param>
    /// <param name="addConsumers">The service's consumers with their definitions, registered on the harness.</param>
    public static IHost Build(string dataDir, IDictionary<string, string?> settings, Action<IHostApplicationBuilder> addService,
        Action<IBusRegistrationConfigurator> addConsumers)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Refinery:DataDir"] = dataDir,
            // Not under the data directory: a test deletes that when it ends, while other tests of the same process,
            // which share one scratch root, may still be writing there.
            ["Refinery:TempDir"] = Path.Combine(Path.GetTempPath(), "refinery-test-scratch"),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRefineryDefaults();
        addService(builder);
        builder.Services.AddMassTransitTestHarness(x =>
        {
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            addConsumers(x);
        });
        return builder.Build();
    }

    /// <param name="otherServicesQueues">Queues of other services the service sends commands to: nothing here consumes
    /// them, so <see cref="QuiescentAsync"/> does not wait for them (a test asserts what was sent there instead).</param>
    public static async Task<ServiceTestHost> StartAsync(string name, IDictionary<string, string?> settings,
        Action<IHostApplicationBuilder> addService, Action<IBusRegistrationConfigurator> addConsumers,
        IReadOnlySet<string>? otherServicesQueues = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"refinery-{name}-{Guid.NewGuid():N}");
        var host = Build(dataDir, settings, addService, addConsumers);
        await host.StartAsync();
        await host.Services.GetRequiredService<ITestHarness>().Start();
        return new ServiceTestHost(host, dataDir, otherServicesQueues ?? new HashSet<string>());
    }

    public async Task SendAsync<T>(Uri queue, T message) where T : class =>
        await (await Harness.Bus.GetSendEndpoint(queue)).Send(message);

    /// <summary>Waits, at most 60 s, until <paramref name="expected"/> messages of type T were published. Polls a
    /// snapshot: the harness's async enumeration may end early when the bus looks idle. Waiting for results, a fault
    /// means they will never come, so any published fault fails at once with its reason, unless
    /// <paramref name="faultsExpected"/> (T then reports a failure itself).</summary>
    public async Task<IReadOnlyList<T>> PublishedAsync<T>(int expected, bool faultsExpected = false) where T : class
    {
        var waitingForFaults = faultsExpected || (typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() == typeof(Fault<>));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var seen = Harness.Published.Select<T>().Select(m => m.Context.Message).ToList();
            if (seen.Count >= expected) return seen;
            if (!waitingForFaults && Harness.Published.Select<Fault>().FirstOrDefault() is { } fault)
                Assert.Fail("A message faulted: " + fault.Context.Message.Exceptions[0].Message);
            await Task.Delay(25);
        }
        return Harness.Published.Select<T>().Select(m => m.Context.Message).ToList();
    }

    /// <summary>Waits, at most 60 s, until the bus is provably quiescent: every message sent on it has been consumed to
    /// the end (or faulted). Work here moves only by commands sent to queues (events end a flow), and a consumer sends
    /// before it finishes, so once every sent message is consumed no consumer is running and none can start: a
    /// "published once" assertion after this cannot be overtaken by a late second publish.</summary>
    public async Task QuiescentAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            // Consumed first, then sent: a consumer still running at the first read has its message in the second
            // read but not in the first, so a match means nothing was running in between.
            var consumed = Harness.Consumed.Select(_ => true).Select(m => m.Context.MessageId).ToHashSet();
            var pending = Harness.Sent.Select(_ => true).Where(m => !consumed.Contains(m.Context.MessageId) && !ToOtherService(m.Context))
                .Select(m => m.MessageType.Name).ToList();
            if (pending.Count == 0) return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"still in flight after 60 s: {string.Join(", ", pending)}");
            await Task.Delay(25);
        }
    }

    private bool ToOtherService(SendContext sent) =>
        sent.DestinationAddress is { } to && _otherServicesQueues.Contains(to.AbsolutePath.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
