using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Refinery.Hosting;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Options;

namespace Refinery.Host.Targets;

/// <summary>Builds a process hosting the chosen targets: defaults, each target's services, the bus, endpoints.</summary>
public static class RefineryApp
{
    public const string DefaultGatewayUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(IReadOnlyList<Target> targets, string[] args,
        IDictionary<string, string?>? overrides = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddEmbeddedDefaults(builder, targets);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.AddRefineryDefaults();
        foreach (var target in targets) target.Add(builder);
        builder.AddRefineryBus();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapRefineryDefaults();
        foreach (var target in targets) target.Map(app);
        return app;
    }

    /// <summary>Defaults below every other configuration source: a loopback address, and in the embedded shape
    /// (in-memory bus, nothing shared) writes without a key, since nobody else can reach the process.</summary>
    private static void AddEmbeddedDefaults(WebApplicationBuilder builder, IReadOnlyList<Target> targets)
    {
        var defaults = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            defaults["urls"] = targets.Any(t => t.Name == "gateway") ? DefaultGatewayUrl : "http://127.0.0.1:0";
        var options = builder.Configuration.GetSection(RefineryOptions.SectionName).Get<RefineryOptions>() ?? new();
        if (options.Bus == BusKind.InMemory && !builder.Configuration.GetSection("Refinery:ApiKeys").GetChildren().Any())
            defaults["Refinery:Gateway:AllowAnonymousWrites"] = "true";
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = defaults,
        });
    }
}
