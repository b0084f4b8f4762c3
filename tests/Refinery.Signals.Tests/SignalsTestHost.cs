using MassTransit;
using Microsoft.Extensions.Hosting;
using Refinery.Signals.Consumers;
using Refinery.TestSupport;

namespace Refinery.Signals.Tests;

/// <summary>The signals service on the shared <see cref="ServiceTestHost"/>, two documents computed at once.</summary>
public static class SignalsTestHost
{
    private static Dictionary<string, string?> Settings(IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?> { ["Refinery:Signals:MaxConcurrency"] = "2" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return all;
    }

    private static void Consumers(IBusRegistrationConfigurator x) => SignalsServiceExtensions.AddConsumers(x);

    public static IHost Build(string dataDir, IDictionary<string, string?>? settings = null) =>
        ServiceTestHost.Build(dataDir, Settings(settings), b => b.AddSignalsService(), Consumers);

    public static Task<ServiceTestHost> StartAsync(IDictionary<string, string?>? settings = null) =>
        ServiceTestHost.StartAsync("signals", Settings(settings), b => b.AddSignalsService(), Consumers);
}
