using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Refinery.Hosting.Jobs;

/// <summary>How a service's waits are swept: a wait older than <paramref name="Timeout"/> fails; one recorded longer ago
/// than <paramref name="ResendAfter"/> is sent again (its release may have been lost); the sweep runs every <paramref name="Interval"/>.</summary>
public sealed record JobWaitOptions(TimeSpan Timeout, TimeSpan ResendAfter, TimeSpan Interval);

/// <summary>The options of the waits in <typeparamref name="TDbContext"/>.</summary>
public sealed record JobWaitSettings<TDbContext>(JobWaitOptions Options) where TDbContext : DbContext;

/// <summary>What one sweep did.</summary>
public sealed record JobWaitSweepResult(int Expired, int Resent);

/// <summary>One sweep of a service's waits (scoped). Every process hosting the service sweeps; of sweeps reading one
/// row at once, only the one that claims it sends it again or fails it, and only that one counts it.</summary>
public sealed class JobWaitSweeper<TDbContext>(TDbContext db, JobWaiters<TDbContext> waiters, IBus bus,
    JobWaitSettings<TDbContext> settings, ILogger<JobWaitSweeper<TDbContext>> logger) where TDbContext : DbContext
{
    public async Task<JobWaitSweepResult> SweepAsync(DateTime now, CancellationToken ct)
    {
        var options = settings.Options;
        var expiredBefore = now - options.Timeout;
        var expired = await db.Set<JobWaitRow>().AsNoTracking().Where(w => w.Since <= expiredBefore).ToListAsync(ct);
        var failed = 0;
        foreach (var row in expired)
        {
            var reason = $"waited for {row.WaitingFor} for more than {Describe(options.Timeout)}";
            if (!await JobWaitRelease.FailAsync(db, waiters, bus, row, reason, ct)) continue;
            logger.LogWarning("A waiting request failed: {Reason}", reason);
            failed++;
        }

        var staleBefore = now - options.ResendAfter;
        var stale = await db.Set<JobWaitRow>().AsNoTracking().Where(w => w.RecordedAt <= staleBefore && w.Since > expiredBefore).ToListAsync(ct);
        var resent = 0;
        foreach (var row in stale)
        {
            if (!await JobWaitRelease.SendAgainAsync(db, waiters, bus, row, ct)) continue;
            logger.LogInformation("Sent again a request that waits for {WaitingFor} since {Since}", row.WaitingFor, row.Since);
            resent++;
        }
        return new JobWaitSweepResult(failed, resent);
    }

    private static string Describe(TimeSpan span) => span.TotalHours >= 1 ? $"{span.TotalHours:0.##} h"
        : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.##} min" : $"{span.TotalSeconds:0.##} s";
}

/// <summary>Runs <see cref="JobWaitSweeper{TDbContext}"/> every <see cref="JobWaitOptions.Interval"/>.</summary>
internal sealed class JobWaitSweepService<TDbContext>(IServiceScopeFactory scopes, JobWaitSettings<TDbContext> settings,
    TimeProvider clock, ILogger<JobWaitSweepService<TDbContext>> logger) : BackgroundService where TDbContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Options.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<JobWaitSweeper<TDbContext>>()
                    .SweepAsync(clock.GetUtcNow().UtcDateTime, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The host's services are gone: it is shutting down.
                return;
            }
            catch (Exception ex)
            {
                // The database or the bus may be briefly away; the next sweep finds the same rows.
                logger.LogError(ex, "Sweep of the waits in {Context} failed", typeof(TDbContext).Name);
            }
        }
    }
}

public static class JobWaitSweepRegistration
{
    /// <summary>Registers the scheduled sweep of a service's waits (with <see cref="JobWaitRegistration.AddJobWaits{TDbContext}"/>
    /// on its bus registration), its options read from the service's own options class.</summary>
    public static IServiceCollection AddJobWaitSweep<TDbContext>(this IServiceCollection services,
        Func<IServiceProvider, JobWaitOptions> options) where TDbContext : DbContext
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new JobWaitSettings<TDbContext>(options(sp)));
        services.AddScoped<JobWaitSweeper<TDbContext>>();
        services.AddHostedService<JobWaitSweepService<TDbContext>>();
        return services;
    }
}
