using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Refinery.Hosting.Data;

namespace Refinery.Signals.Data.Migrations;

/// <summary>The signals context on SQLite: its type is what ties it to the SQLite migrations (Migrations/Sqlite).</summary>
public sealed class SqliteSignalsDbContext(DbContextOptions<SqliteSignalsDbContext> options) : SignalsDbContext(options);

/// <summary>The signals context on PostgreSQL: its type is what ties it to the PostgreSQL migrations (Migrations/Postgres).</summary>
public sealed class PostgresSignalsDbContext(DbContextOptions<PostgresSignalsDbContext> options) : SignalsDbContext(options);

/// <summary>Lets dotnet-ef build the SQLite model without starting the host.</summary>
public sealed class SqliteSignalsDbContextFactory : IDesignTimeDbContextFactory<SqliteSignalsDbContext>
{
    public SqliteSignalsDbContext CreateDbContext(string[] args) => new(DbProviders.DesignTimeSqlite<SqliteSignalsDbContext>());
}

/// <summary>Lets dotnet-ef build the PostgreSQL model without starting the host.</summary>
public sealed class PostgresSignalsDbContextFactory : IDesignTimeDbContextFactory<PostgresSignalsDbContext>
{
    public PostgresSignalsDbContext CreateDbContext(string[] args) =>
        new(DbProviders.DesignTimePostgres<PostgresSignalsDbContext>(SignalsDbContext.Schema));
}
