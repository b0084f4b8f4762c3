using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Refinery.Hosting.Data;

namespace Refinery.Dedup.Data.Migrations;

/// <summary>The dedup context on SQLite: its type is what ties it to the SQLite migrations (Migrations/Sqlite).</summary>
public sealed class SqliteDedupDbContext(DbContextOptions<SqliteDedupDbContext> options) : DedupDbContext(options);

/// <summary>The dedup context on PostgreSQL: its type is what ties it to the PostgreSQL migrations (Migrations/Postgres).</summary>
public sealed class PostgresDedupDbContext(DbContextOptions<PostgresDedupDbContext> options) : DedupDbContext(options);

/// <summary>Lets dotnet-ef build the SQLite model without starting the host.</summary>
public sealed class SqliteDedupDbContextFactory : IDesignTimeDbContextFactory<SqliteDedupDbContext>
{
    public SqliteDedupDbContext CreateDbContext(string[] args) => new(DbProviders.DesignTimeSqlite<SqliteDedupDbContext>());
}

/// <summary>Lets dotnet-ef build the PostgreSQL model without starting the host.</summary>
public sealed class PostgresDedupDbContextFactory : IDesignTimeDbContextFactory<PostgresDedupDbContext>
{
    public PostgresDedupDbContext CreateDbContext(string[] args) =>
        new(DbProviders.DesignTimePostgres<PostgresDedupDbContext>(DedupDbContext.Schema));
}
