using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Refinery.Host.Tests.Migrations;

/// <summary>What the builds before migrations did at start, reproduced so that a test can adopt its result: SQLite got
/// EnsureCreated, PostgreSQL the generated create script (which creates the schema too).</summary>
public static class OldBuildSchema
{
    public static async Task CreateAsync(DbContext db)
    {
        if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
        else await db.Database.EnsureCreatedAsync();
    }

    /// <summary>Inserts one row with sample values into every table, so a test can see the rows survive.</summary>
    public static async Task AddOneRowPerTableAsync(DbContext db)
    {
        foreach (var entity in db.Model.GetEntityTypes())
        {
            // The domain types have required members and no parameterless constructor the test could rely on.
            var row = RuntimeHelpers.GetUninitializedObject(entity.ClrType);
            foreach (var property in entity.GetProperties())
                property.PropertyInfo?.SetValue(row, Sample(property));
            db.Add(row);
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    /// <summary>Rows in the entity's table, read with plain SQL so that no model decides where the table is.</summary>
    public static Task<int> CountAsync(DbContext db, IEntityType entity)
    {
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        var sql = $"SELECT CAST(count(*) AS integer) AS \"Value\" FROM {table}";
        return db.Database.SqlQueryRaw<int>(sql).SingleAsync();
    }

    private static object Sample(IProperty property)
    {
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0)!;
        return type switch
        {
            _ when type == typeof(string) => "x",
            _ when type == typeof(Guid) => Guid.NewGuid(),
            _ when type == typeof(int) => 1,
            _ when type == typeof(long) => 1L,
            _ when type == typeof(short) => (short)1,
            _ when type == typeof(double) => 1.0,
            _ when type == typeof(float) => 1.0f,
            _ when type == typeof(decimal) => 1m,
            _ when type == typeof(bool) => true,
            _ when type == typeof(DateTime) => DateTime.UtcNow,
            _ when type == typeof(DateTimeOffset) => DateTimeOffset.UtcNow,
            _ when type == typeof(byte[]) => new byte[] { 1 },
            _ => throw new NotSupportedException($"No sample value for {entity(property)} of type {type.Name}"),
        };

        static string entity(IProperty p) => $"{p.DeclaringType.DisplayName()}.{p.Name}";
    }
}
