using Microsoft.EntityFrameworkCore;

namespace Refinery.Hosting.Data;

/// <summary>How a service's context is configured on each provider, at run time and when dotnet-ef generates its
/// migrations: the two must agree, or a migration would be generated for a model the service never runs.</summary>
public static class DbProviders
{
    /// <summary>Lower-case like every other PostgreSQL name, so it can be queried without quoting.</summary>
    public const string HistoryTable = "__ef_migrations_history";

    public static DbContextOptionsBuilder UseRefinerySqlite(this DbContextOptionsBuilder db, string connection) =>
        db.UseSqlite(connection, sqlite => sqlite.MigrationsHistoryTable(HistoryTable));

    /// <summary>The history table lives in the service's own schema, beside the tables it describes.</summary>
    public static DbContextOptionsBuilder UseRefineryPostgres(this DbContextOptionsBuilder db, string connection, string schema) =>
        db.UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable(HistoryTable, schema));

    /// <summary>Options for `dotnet ef migrations add`, which builds the model but never connects.</summary>
    public static DbContextOptions<TContext> DesignTimeSqlite<TContext>() where TContext : DbContext =>
        (DbContextOptions<TContext>)new DbContextOptionsBuilder<TContext>().UseRefinerySqlite("Data Source=design-time.db").Options;

    /// <inheritdoc cref="DesignTimeSqlite{TContext}"/>
    public static DbContextOptions<TContext> DesignTimePostgres<TContext>(string schema) where TContext : DbContext =>
        (DbContextOptions<TContext>)new DbContextOptionsBuilder<TContext>().UseRefineryPostgres("Host=design-time", schema).Options;
}
