using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Refinery.Hosting.Data;

namespace Refinery.Host.Tests.Migrations;

/// <summary>The tables of a service's first migration, made and filled without the migration history, as the builds
/// before migrations left them (EnsureCreated on SQLite, the generated create script on PostgreSQL, both of the model
/// that the first migration captured), so that a test can adopt them; and the same tables with history, so that a test
/// can migrate them with rows through every later migration.</summary>
public static class OldBuildSchema
{
    /// <summary>The first migration's id and its tables (schema, name, columns).</summary>
    public static (string Id, IReadOnlyList<CreateTableOperation> Tables) FirstMigration(DbContext db)
    {
        var migrations = db.GetService<IMigrationsAssembly>();
        var (id, type) = migrations.Migrations.OrderBy(m => m.Key, StringComparer.Ordinal).First();
        var migration = migrations.CreateMigration(type, db.Database.ProviderName!);
        return (id, migration.UpOperations.OfType<CreateTableOperation>().ToList());
    }

    /// <summary>The database at the first migration, recorded as applied.</summary>
    public static async Task MigrateToFirstAsync(DbContext db) => await db.GetService<IMigrator>().MigrateAsync(FirstMigration(db).Id);

    /// <summary>The database at the migration just before the one named <paramref name="name"/>, recorded as applied.</summary>
    public static async Task MigrateToBeforeAsync(DbContext db, string name)
    {
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.Order(StringComparer.Ordinal).ToList();
        var index = ids.FindIndex(id => id.EndsWith("_" + name, StringComparison.Ordinal));
        if (index < 1) throw new InvalidOperationException($"no migration before {name}");
        await db.GetService<IMigrator>().MigrateAsync(ids[index - 1]);
    }

    /// <summary>The first migration's tables without any history: what a build before migrations created.</summary>
    public static async Task CreateAsync(DbContext db)
    {
        await MigrateToFirstAsync(db);
        var history = db.Model.GetDefaultSchema() is { } schema ? $"\"{schema}\".\"{DbProviders.HistoryTable}\"" : $"\"{DbProviders.HistoryTable}\"";
        var drop = $"DROP TABLE {history}";
        await db.Database.ExecuteSqlRawAsync(drop);
    }

    /// <summary>Inserts one row with sample values into every table of the first migration, column by column as that
    /// migration made them (the model may have more columns since), so a test can see the rows survive.</summary>
    public static async Task AddOneRowPerTableAsync(DbContext db)
    {
        var postgres = db.Database.IsNpgsql();
        foreach (var table in FirstMigration(db).Tables)
        {
            var names = string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""));
            var slots = string.Join(", ", table.Columns.Select((_, i) => $"{{{i}}}"));
            var values = table.Columns.Select(c => ConvertedSample(db, c) ?? Sample(c, postgres)).ToArray();
            // Names from the migration, values as parameters: the SQL is built as text on purpose.
            var insert = $"INSERT INTO {Qualified(table.Schema, table.Name)} ({names}) VALUES ({slots})";
            await db.Database.ExecuteSqlRawAsync(insert, values);
        }
    }

    /// <summary>Rows in the entity's table, read with plain SQL so that no model decides where the table is.</summary>
    public static Task<int> CountAsync(DbContext db, IEntityType entity)
    {
        var sql = $"SELECT CAST(count(*) AS integer) AS \"Value\" FROM {Qualified(entity.GetSchema(), entity.GetTableName()!)}";
        return db.Database.SqlQueryRaw<int>(sql).SingleAsync();
    }

    /// <summary>Whether the entity's table is one of the first migration's (and so got a row).</summary>
    public static bool IsFirstMigrations(DbContext db, IEntityType entity) =>
        FirstMigration(db).Tables.Any(t => t.Name == entity.GetTableName());

    private static string Qualified(string? schema, string table) => schema is null ? $"\"{table}\"" : $"\"{schema}\".\"{table}\"";

    /// <summary>For a column the model reads through a value conversion (an option enum kept as its name, a dedup keep
    /// policy as its text), a value the conversion accepts, as a real row holds: the first of the enum's values, or the
    /// value type's default, as the model writes it.</summary>
    private static object? ConvertedSample(DbContext db, AddColumnOperation column)
    {
        var property = db.Model.GetEntityTypes().Where(e => e.GetTableName() == column.Table)
            .SelectMany(e => e.GetProperties()).FirstOrDefault(p => p.GetColumnName() == column.Name);
        if (property?.GetValueConverter() is not { } converter) return null;
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        return type.IsEnum ? converter.ConvertToProvider(Enum.GetValues(type).GetValue(0))
            : type.IsValueType ? converter.ConvertToProvider(Activator.CreateInstance(type))
            : null;
    }

    private static object Sample(AddColumnOperation column, bool postgres)
    {
        var type = Nullable.GetUnderlyingType(column.ClrType) ?? column.ClrType;
        return type switch
        {
            _ when type == typeof(string) => "x",
            // EF keeps a Guid as upper-case text on SQLite.
            _ when type == typeof(Guid) => postgres ? Guid.NewGuid() : Guid.NewGuid().ToString().ToUpperInvariant(),
            _ when type == typeof(int) => 1,
            _ when type == typeof(long) => 1L,
            _ when type == typeof(double) => 1.0,
            _ when type == typeof(bool) => true,
            _ when type == typeof(DateTime) => DateTime.UtcNow,
            _ when type == typeof(byte[]) => new byte[] { 1 },
            _ => throw new NotSupportedException($"No sample value for {column.Table}.{column.Name} of type {type.Name}"),
        };
    }
}
