using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Refinery.Hosting.Data;

/// <summary>Creates a service's tables at start when they are missing. Several processes may start at once,
/// so on PostgreSQL the check and the creation run under an advisory lock named by the schema. Tables an earlier
/// build created are checked against the model (<see cref="SchemaCheck"/>): there are no migrations yet.</summary>
internal sealed class SchemaInitializer<TContext>(IServiceProvider services, DbSchema<TContext> schema,
    ILogger<SchemaInitializer<TContext>> logger) : IHostedService where TContext : DbContext
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var created = db.Database.IsNpgsql()
            ? await InitializePostgresAsync(db, schema.Name, ct)
            : await InitializeSqliteAsync(db, ct);
        if (created) logger.LogInformation("Created schema {Schema} for {Context}", schema.Name, typeof(TContext).Name);
        else await SchemaCheck.ThrowIfOutdatedAsync(db, schema.Name, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private static async Task<bool> InitializeSqliteAsync(TContext db, CancellationToken ct)
    {
        var created = await db.Database.EnsureCreatedAsync(ct);
        // WAL lets the service's consumer and its background worker read while the other writes.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        return created;
    }

    private static async Task<bool> InitializePostgresAsync(TContext db, string schemaName, CancellationToken ct)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct)) await creator.CreateAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext({0}))", [schemaName], ct);
        var tables = await db.Database
            .SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = {0}", schemaName)
            .SingleAsync(ct);
        if (tables > 0) return false;
        await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript(), ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
