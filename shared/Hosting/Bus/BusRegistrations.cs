using MassTransit;
using Microsoft.Extensions.Hosting;

namespace Refinery.Hosting.Bus;

/// <summary>Collects each service's consumers so one AddMassTransit call can register them all:
/// MassTransit allows only one bus per container, and a process hosts any subset of services.</summary>
public static class BusRegistrations
{
    private const string Key = "Refinery.BusRegistrations";

    /// <summary>Adds consumers to the process bus; call from a service's Add…Service.</summary>
    public static IHostApplicationBuilder AddRefineryConsumers(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> register)
    {
        Registrations(builder).Add(register);
        return builder;
    }

    internal static List<Action<IBusRegistrationConfigurator>> Registrations(IHostApplicationBuilder builder)
    {
        if (!builder.Properties.TryGetValue(Key, out var list))
            builder.Properties[Key] = list = new List<Action<IBusRegistrationConfigurator>>();
        return (List<Action<IBusRegistrationConfigurator>>)list;
    }
}
