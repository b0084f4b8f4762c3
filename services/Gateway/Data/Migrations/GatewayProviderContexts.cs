using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Refinery.Hosting.Data;

namespace Refinery.Gateway.Data.Migrations;

/// <summary>The gateway context on SQLite: its type is what ties it to the SQLite migrations (Migrations/Sqlite).</summary>
public sealed class SqliteGatewayDbContext(DbContextOptions<SqliteGatewayDbContext> options) : GatewayDbContext(options);

/// <summary>The gateway context on PostgreSQL: its type is what ties it to the PostgreSQL migrations (Migrations/Postgres).</summary>
public sealed class PostgresGatewayDbContext(DbContextOptions<PostgresGatewayDbContext> options) : GatewayDbContext(options);

/// <summary>Lets dotnet-ef build the SQLite model without starting the host.</summary>
public sealed class SqliteGatewayDbContextFactory : IDesignTimeDbContextFactory<SqliteGatewayDbContext>
{
    public SqliteGatewayDbContext CreateDbContext(string[] args) => new(DbProviders.DesignTimeSqlite<SqliteGatewayDbContext>());
}

/// <summary>Lets dotnet-ef build the PostgreSQL model without starting the host.</summary>
public sealed class PostgresGatewayDbContextFactory : IDesignTimeDbContextFactory<PostgresGatewayDbContext>
{
    public PostgresGatewayDbContext CreateDbContext(string[] args) =>
        new(DbProviders.DesignTimePostgres<PostgresGatewayDbContext>(GatewayDbContext.Schema));
}
