using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Refinery.Hosting.Data;

namespace Refinery.Training.Data.Migrations;

/// <summary>The training context on SQLite: its type is what ties it to the SQLite migrations (Migrations/Sqlite).</summary>
public sealed class SqliteTrainingDbContext(DbContextOptions<SqliteTrainingDbContext> options) : TrainingDbContext(options);

/// <summary>The training context on PostgreSQL: its type is what ties it to the PostgreSQL migrations (Migrations/Postgres).</summary>
public sealed class PostgresTrainingDbContext(DbContextOptions<PostgresTrainingDbContext> options) : TrainingDbContext(options);

/// <summary>Lets dotnet-ef build the SQLite model without starting the host.</summary>
public sealed class SqliteTrainingDbContextFactory : IDesignTimeDbContextFactory<SqliteTrainingDbContext>
{
    public SqliteTrainingDbContext CreateDbContext(string[] args) => new(DbProviders.DesignTimeSqlite<SqliteTrainingDbContext>());
}

/// <summary>Lets dotnet-ef build the PostgreSQL model without starting the host.</summary>
public sealed class PostgresTrainingDbContextFactory : IDesignTimeDbContextFactory<PostgresTrainingDbContext>
{
    public PostgresTrainingDbContext CreateDbContext(string[] args) =>
        new(DbProviders.DesignTimePostgres<PostgresTrainingDbContext>(TrainingDbContext.Schema));
}
