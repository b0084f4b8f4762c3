using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;
using Refinery.Hosting.Options;
using Refinery.Storage;
using Serilog;
using Serilog.Events;

namespace Refinery.Hosting;

/// <summary>What every Refinery process has: logging, options, the object store, health and metrics.</summary>
public static class RefineryDefaults
{
    public static IHostApplicationBuilder AddRefineryDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSerilog((_, lc) => lc
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("MassTransit", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            // stderr only: stdout belongs to the CLI's --json output.
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));

        builder.Services.AddOptions<RefineryOptions>()
            .Bind(builder.Configuration.GetSection(RefineryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        UseScratchSpace(builder.Configuration);
        builder.Services.AddOptions<S3Options>().Bind(builder.Configuration.GetSection(S3Options.SectionName));
        builder.Services.AddSingleton<IObjectStore>(_ => ObjectStoreFactory.Create(builder.Configuration));
        builder.Services.AddHostedService<ObjectStoreInitializer>();
        builder.Services.AddHealthChecks()
            .AddCheck<ObjectStoreHealthCheck>("object-store", tags: ["ready"]);
        return builder;
    }

    /// <summary>Temporary files go where the data is (or to <see cref="RefineryOptions.TempDir"/>), in a folder of this
    /// process; folders left by processes that are gone are deleted now, before this one writes any.</summary>
    private static void UseScratchSpace(IConfiguration configuration)
    {
        var options = configuration.GetSection(RefineryOptions.SectionName).Get<RefineryOptions>() ?? new RefineryOptions();
        var root = string.IsNullOrWhiteSpace(options.TempDir) ? Path.Combine(Path.GetFullPath(options.DataDir), "tmp") : options.TempDir;
        ScratchSpace.UseRoot(root);
    }

    /// <summary>/health/live (the process runs), /health/ready (its dependencies answer) and /metrics.</summary>
    public static WebApplication MapRefineryDefaults(this WebApplication app)
    {
        app.UseHttpMetrics();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapMetrics("/metrics");
        return app;
    }
}
