using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Hosting.Options;

namespace Refinery.Hosting.Data;

public static class DataExtensions
{
    /// <summary>Registers a service's own DbContext: its own SQLite file under the data directory when embedded,
    /// its own schema in the shared PostgreSQL database otherwise; the schema is created at start.</summary>
    public static IHostApplicationBuilder AddRefineryDbContext<TContext>(this IHostApplicationBuilder builder, string schema)
        where TContext : DbContext
    {
        var options = builder.Configuration.GetSection(RefineryOptions.SectionName).Get<RefineryOptions>() ?? new();
        var connection = options.Database switch
        {
            DatabaseKind.Postgres => builder.Configuration.GetConnectionString("Postgres")
                                     ?? throw new InvalidOperationException(
                                         "Refinery:Database is Postgres but ConnectionStrings:Postgres is not set"),
            _ => SqliteConnectionString(options.DataDir, schema),
        };
        builder.Services.AddDbContext<TContext>(db =>
        {
            if (options.Database == DatabaseKind.Postgres)
                db.UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", schema));
            else
                db.UseSqlite(connection);
        });
        builder.Services.AddSingleton(new DbSchema<TContext>(schema));
        builder.Services.AddHostedService<SchemaInitializer<TContext>>();
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>($"db-{schema}", tags: ["ready"]);
        return builder;
    }

    private static string SqliteConnectionString(string dataDir, string schema)
    {
        var dir = Path.GetFullPath(Path.Combine(dataDir, "db"));
        Directory.CreateDirectory(dir);
        // Pooling off: a stopped host must not keep the file open for the next one in the same process (tests, CLI).
        return $"Data Source={Path.Combine(dir, schema + ".db")};Pooling=False;Default Timeout=30";
    }
}

/// <summary>The schema a context owns; contexts apply it as their default schema on PostgreSQL only.</summary>
public sealed record DbSchema<TContext>(string Name) where TContext : DbContext;
