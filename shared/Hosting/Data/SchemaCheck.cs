using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Refinery.Hosting.Data;

/// <summary>Refuses to start on tables an earlier build created when the model has since gained a table or a column:
/// creation only adds tables to an empty schema, so the service would otherwise fail later, on its first query, with
/// a bare "column does not exist". The error names what is missing and how to start afresh.</summary>
public static class SchemaCheck
{
    public static async Task ThrowIfOutdatedAsync(DbContext db, string schema, CancellationToken ct)
    {
        var existing = await ColumnsAsync(db, schema, ct);
        var missing = new List<string>();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } table) continue;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            if (!existing.Any(c => c.Table == table)) missing.Add($"table {table}");
            else
                missing.AddRange(entity.GetProperties().Select(p => p.GetColumnName(store)).OfType<string>()
                    .Where(column => !existing.Contains((table, column))).Select(column => $"column {table}.{column}"));
        }
        if (missing.Count == 0) return;
        var fix = db.Database.IsNpgsql() ? $"DROP SCHEMA {schema} CASCADE in PostgreSQL" : $"delete {db.Database.GetDbConnection().DataSource}";
        throw new InvalidOperationException(
            $"The {schema} tables were created by an earlier Refinery and lack {string.Join(", ", missing)}. There are no migrations yet: {fix} to start {schema} afresh (its records are lost; objects in the store stay).");
    }

    private static async Task<HashSet<(string Table, string Column)>> ColumnsAsync(DbContext db, string schema, CancellationToken ct)
    {
        var rows = db.Database.IsNpgsql()
            ? await db.Database.SqlQueryRaw<TableColumn>(
                "SELECT table_name AS \"Table\", column_name AS \"Column\" FROM information_schema.columns WHERE table_schema = {0}", schema).ToListAsync(ct)
            : await db.Database.SqlQueryRaw<TableColumn>(
                "SELECT m.name AS \"Table\", p.name AS \"Column\" FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'").ToListAsync(ct);
        return rows.Select(r => (r.Table, r.Column)).ToHashSet();
    }

    private sealed record TableColumn(string Table, string Column);
}
