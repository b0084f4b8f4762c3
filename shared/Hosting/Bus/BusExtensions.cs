using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Contracts.Options;
using Refinery.Hosting.Options;

namespace Refinery.Hosting.Bus;

public static class BusExtensions
{
    /// <summary>Registers the one bus of the process with every collected consumer, on the configured transport.
    /// Call after all Add…Service calls.</summary>
    public static IHostApplicationBuilder AddRefineryBus(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RefineryOptions.SectionName).Get<RefineryOptions>() ?? new();
        var registrations = BusRegistrations.Registrations(builder);
        builder.Services.AddMassTransit(x =>
        {
            foreach (var register in registrations) register(x);
            // MassTransit 8.4 reports usage to its vendor over the internet; a platform's bus talks to nobody else.
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            x.AddConfigureEndpointsCallback((_, _, cfg) => ConfigureRetry(cfg));
            switch (options.Bus)
            {
                case BusKind.RabbitMq:
                    var uri = builder.Configuration.GetConnectionString("RabbitMq")
                              ?? throw new InvalidOperationException(
                                  "Refinery:Bus is RabbitMq but ConnectionStrings:RabbitMq is not set");
                    x.UsingRabbitMq((context, cfg) =>
                    {
                        cfg.Host(new Uri(uri));
                        cfg.ConfigureJsonSerializerOptions(ContractJson.Configure);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    x.UsingInMemory((context, cfg) =>
                    {
                        cfg.ConfigureJsonSerializerOptions(ContractJson.Configure);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
            }
        });
        return builder;
    }

    /// <summary>The one retry policy (DESIGN §7 rule 2): a few exponential tries, then the _error queue;
    /// permanent failures are not retried.</summary>
    public static void ConfigureRetry(IReceiveEndpointConfigurator cfg) =>
        cfg.UseMessageRetry(r =>
        {
            r.Exponential(4, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500));
            r.Ignore<PermanentFailureException>();
        });
}
