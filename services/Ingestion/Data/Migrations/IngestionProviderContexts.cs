using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Refinery.Hosting.Data;

namespace Refinery.Ingestion.Data.Migrations;

/// <summary>The ingestion context on SQLite: its type is what ties it to the SQLite migrations (Migrations/Sqlite).</summary>
public sealed class SqliteIngestionDbContext(DbContextOptions<SqliteIngestionDbContext> options) : IngestionDbContext(options);

/// <summary>The ingestion context on PostgreSQL: its type is what ties it to the PostgreSQL migrations (Migrations/Postgres).</summary>
public sealed class PostgresIngestionDbContext(DbContextOptions<PostgresIngestionDbContext> options) : IngestionDbContext(options);

/// <summary>Lets dotnet-ef build the SQLite model without starting the host.</summary>
public sealed class SqliteIngestionDbContextFactory : IDesignTimeDbContextFactory<SqliteIngestionDbContext>
{
    public SqliteIngestionDbContext CreateDbContext(string[] args) => new(DbProviders.DesignTimeSqlite<SqliteIngestionDbContext>());
}

/// <summary>Lets dotnet-ef build the PostgreSQL model without starting the host.</summary>
public sealed class PostgresIngestionDbContextFactory : IDesignTimeDbContextFactory<PostgresIngestionDbContext>
{
    public PostgresIngestionDbContext CreateDbContext(string[] args) =>
        new(DbProviders.DesignTimePostgres<PostgresIngestionDbContext>(IngestionDbContext.Schema));
}
