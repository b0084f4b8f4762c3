using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Refinery.Hosting.Data;

namespace Refinery.Curation.Data.Migrations;

/// <summary>The curation context on SQLite: its type is what ties it to the SQLite migrations (Migrations/Sqlite).</summary>
public sealed class SqliteCurationDbContext(DbContextOptions<SqliteCurationDbContext> options) : CurationDbContext(options);

/// <summary>The curation context on PostgreSQL: its type is what ties it to the PostgreSQL migrations (Migrations/Postgres).</summary>
public sealed class PostgresCurationDbContext(DbContextOptions<PostgresCurationDbContext> options) : CurationDbContext(options);

/// <summary>Lets dotnet-ef build the SQLite model without starting the host.</summary>
public sealed class SqliteCurationDbContextFactory : IDesignTimeDbContextFactory<SqliteCurationDbContext>
{
    public SqliteCurationDbContext CreateDbContext(string[] args) => new(DbProviders.DesignTimeSqlite<SqliteCurationDbContext>());
}

/// <summary>Lets dotnet-ef build the PostgreSQL model without starting the host.</summary>
public sealed class PostgresCurationDbContextFactory : IDesignTimeDbContextFactory<PostgresCurationDbContext>
{
    public PostgresCurationDbContext CreateDbContext(string[] args) =>
        new(DbProviders.DesignTimePostgres<PostgresCurationDbContext>(CurationDbContext.Schema));
}
