using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Refinery.Hosting.Data;

/// <summary>Tables that builds before migrations created (EnsureCreated on SQLite, the generated create script on
/// PostgreSQL) carry no history. When their tables and columns are exactly those the first migration creates, that
/// migration is recorded as applied, so later migrations apply to them and their rows are kept; otherwise the
/// differences are named, since applying the first migration over them would fail half-way or lose data.</summary>
internal static class UnversionedSchema
{
    /// <summary>What differs between the tables found and those the first migration creates; null when there are no
    /// tables at all (an empty database, for the migrations to fill).</summary>
    public static async Task<IReadOnlyList<string>?> CompareWithFirstMigrationAsync(DbContext db, string schema, CancellationToken ct)
    {
        var found = await ColumnsAsync(db, schema, ct);
        if (found.Count == 0) return null;
        var (id, migration) = FirstMigration(db);
        var expected = migration.UpOperations.OfType<CreateTableOperation>()
            .SelectMany(t => t.Columns.Select(c => (Table: t.Name, Column: c.Name)))
            .ToHashSet();
        var foundTables = found.Select(c => c.Table).ToHashSet();
        var expectedTables = expected.Select(c => c.Table).ToHashSet();
        var differences = new List<string>();
        differences.AddRange(expectedTables.Except(foundTables).Order().Select(t => $"missing table {t}"));
        differences.AddRange(foundTables.Except(expectedTables).Order().Select(t => $"unexpected table {t}"));
        differences.AddRange(expected.Except(found).Where(c => foundTables.Contains(c.Table))
            .Select(c => $"missing column {c.Table}.{c.Column}").Order());
        differences.AddRange(found.Except(expected).Where(c => expectedTables.Contains(c.Table))
            .Select(c => $"unexpected column {c.Table}.{c.Column}").Order());
        return differences;
    }

    /// <summary>Records the first migration as applied when the tables match it; throws naming the differences when
    /// they do not. Does nothing to a database with applied migrations or without tables. Run under the migration lock.</summary>
    public static async Task AdoptAsync(DbContext db, string schema, CancellationToken ct)
    {
        var history = db.GetService<IHistoryRepository>();
        // Created first, so that reading it never fails (Npgsql logs a failed query for a missing history table);
        // an empty history is what marks a database as unversioned.
        await history.CreateIfNotExistsAsync(ct);
        if ((await history.GetAppliedMigrationsAsync(ct)).Count > 0) return;
        if (await CompareWithFirstMigrationAsync(db, schema, ct) is not { } differences) return;
        var (id, _) = FirstMigration(db);
        if (differences.Count > 0)
            throw new InvalidOperationException(
                $"The {schema} tables have no migration history and do not match the first migration {id}: " +
                $"{string.Join(", ", differences)}. Either make them match, or start {schema} afresh " +
                $"({(db.Database.IsNpgsql() ? $"DROP SCHEMA {schema} CASCADE in PostgreSQL" : $"delete {db.Database.GetDbConnection().DataSource}")}; " +
                "its records are lost, objects in the store stay).");
        await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(id, ProductInfo.GetVersion())), ct);
    }

    /// <summary>Whether the history table exists, asked of the catalog rather than by a query that may fail.</summary>
    public static async Task<bool> HistoryExistsAsync(DbContext db, string schema, CancellationToken ct) =>
        (db.Database.IsNpgsql()
            ? await db.Database.SqlQueryRaw<int>(
                "SELECT count(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = {0} AND table_name = {1}",
                schema, DbProviders.HistoryTable).SingleAsync(ct)
            : await db.Database.SqlQueryRaw<int>(
                "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {0}",
                DbProviders.HistoryTable).SingleAsync(ct)) > 0;

    private static (string Id, Migration Migration) FirstMigration(DbContext db)
    {
        var migrations = db.GetService<IMigrationsAssembly>();
        var (id, type) = migrations.Migrations.OrderBy(m => m.Key, StringComparer.Ordinal).FirstOrDefault();
        if (id is null) throw new InvalidOperationException($"{db.GetType().Name} has no migrations");
        return (id, migrations.CreateMigration(type, db.Database.ProviderName!));
    }

    private static async Task<HashSet<(string Table, string Column)>> ColumnsAsync(DbContext db, string schema, CancellationToken ct)
    {
        // The history table and EF's SQLite migration lock table are bookkeeping, not part of any migration's model.
        var rows = db.Database.IsNpgsql()
            ? await db.Database.SqlQueryRaw<TableColumn>(
                "SELECT table_name AS \"Table\", column_name AS \"Column\" FROM information_schema.columns " +
                "WHERE table_schema = {0} AND table_name <> {1}", schema, DbProviders.HistoryTable).ToListAsync(ct)
            : await db.Database.SqlQueryRaw<TableColumn>(
                "SELECT m.name AS \"Table\", p.name AS \"Column\" FROM sqlite_master m JOIN pragma_table_info(m.name) p " +
                "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name NOT IN ({0}, '__EFMigrationsLock')",
                DbProviders.HistoryTable).ToListAsync(ct);
        return rows.Select(r => (r.Table, r.Column)).ToHashSet();
    }

    private sealed record TableColumn(string Table, string Column);
}
