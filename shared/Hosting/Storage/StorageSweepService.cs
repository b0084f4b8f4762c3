using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Refinery.Hosting.Storage;

/// <summary>Sweeps one service's objects every <see cref="GcOptions.Interval"/>. Every process hosting the service
/// runs one; they may overlap, which costs only duplicate listing.</summary>
internal sealed class StorageSweepService<TRule>(IServiceScopeFactory scopes, IOptions<GcOptions> options, TimeProvider clock,
    ILogger<StorageSweepService<TRule>> logger) : BackgroundService where TRule : class, IStorageSweepRule
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled) return;
        using var timer = new PeriodicTimer(settings.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var rule = scope.ServiceProvider.GetRequiredService<TRule>();
                await scope.ServiceProvider.GetRequiredService<ObjectSweep>()
                    .RunAsync(rule, new SweepSettings(settings.Grace, settings.DryRun), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The host's services are gone: it is shutting down, whether or not this service was told.
                return;
            }
            catch (Exception ex)
            {
                // A failed sweep deletes nothing more; the next one starts from a fresh listing.
                logger.LogError(ex, "Scheduled sweep with {Rule} failed", typeof(TRule).Name);
            }
        }
    }
}

/// <summary>Registers a service's sweep: its rule, the shared sweep and options, and the scheduled sweep.</summary>
public static class StorageSweepExtensions
{
    public static IHostApplicationBuilder AddStorageSweep<TRule>(this IHostApplicationBuilder builder) where TRule : class, IStorageSweepRule
    {
        builder.Services.AddOptions<GcOptions>()
            .Bind(builder.Configuration.GetSection(GcOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ObjectSweep>();
        builder.Services.AddScoped<TRule>();
        builder.Services.AddScoped<IStorageSweepRule>(sp => sp.GetRequiredService<TRule>());
        builder.Services.AddHostedService<StorageSweepService<TRule>>();
        return builder;
    }
}
