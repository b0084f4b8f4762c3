using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Refinery.Hosting.Data;

/// <summary>One service's database as its migrations see it: what is applied and pending, and applying the rest.
/// Every registered context has one, so `refinery db` and the start-up migration find them all the same way.</summary>
public abstract class ServiceDatabase
{
    public abstract string Schema { get; }
    public abstract Type ContextType { get; }
    public abstract Task<DatabaseStatus> StatusAsync(CancellationToken ct);

    /// <summary>Adopts an unversioned schema, then applies the pending migrations; returns those it applied.</summary>
    public abstract Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct);
}

internal sealed class ServiceDatabase<TContext>(IServiceProvider services, DbSchema<TContext> schema) : ServiceDatabase
    where TContext : DbContext
{
    public override string Schema => schema.Name;
    public override Type ContextType => typeof(TContext);

    public override async Task<DatabaseStatus> StatusAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var provider = db.Database.IsNpgsql() ? "Postgres" : "Sqlite";
        var all = db.Database.GetMigrations().ToList();
        if (!await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(ct))
            return new(schema.Name, provider, DatabaseState.Pending, [], all, []);
        List<string> applied = await UnversionedSchema.HistoryExistsAsync(db, schema.Name, ct)
            ? [.. await db.Database.GetAppliedMigrationsAsync(ct)]
            : [];
        var pending = all.Except(applied).ToList();
        if (applied.Count == 0 && await UnversionedSchema.CompareWithFirstMigrationAsync(db, schema.Name, ct) is { } differences)
            return new(schema.Name, provider, differences.Count == 0 ? DatabaseState.Adoptable : DatabaseState.Unadoptable,
                applied, pending, differences);
        return new(schema.Name, provider, pending.Count == 0 ? DatabaseState.Current : DatabaseState.Pending, applied, pending, []);
    }

    public override async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var postgres = db.Database.IsNpgsql();
        var creator = db.GetService<IRelationalDatabaseCreator>();
        // The lock needs a connection to the database, so the database must exist before it is taken; a process that
        // loses the race to create it finds it created.
        if (postgres && !await creator.ExistsAsync(ct))
        {
            try { await creator.CreateAsync(ct); }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase) { }
        }
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // Session-level and held for the whole adoption and migration on this one connection: processes starting
            // together run them one at a time, and the later one finds nothing pending.
            if (postgres) await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(hashtext({0}))", [schema.Name], ct);
            try
            {
                await UnversionedSchema.AdoptAsync(db, schema.Name, ct);
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                await db.Database.MigrateAsync(ct);
                // WAL lets the service's consumer and its background worker read while the other writes.
                if (!postgres) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                return pending;
            }
            finally
            {
                // Not cancellable: a lock left on a pooled connection would outlive this call.
                if (postgres)
                    await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(hashtext({0}))", [schema.Name], CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
