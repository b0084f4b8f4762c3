using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Refinery.Hosting.Data;

/// <summary>Brings a service's database up to its migrations before the service takes any message; registered before
/// the bus, so it runs first.</summary>
internal sealed class MigrateAtStart<TContext>(ServiceDatabase<TContext> database, ILogger<MigrateAtStart<TContext>> logger)
    : IHostedService where TContext : DbContext
{
    public async Task StartAsync(CancellationToken ct)
    {
        var applied = await database.MigrateAsync(ct);
        if (applied.Count > 0)
            logger.LogInformation("Applied {Count} migrations to {Schema}: {Migrations}", applied.Count, database.Schema, applied);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
