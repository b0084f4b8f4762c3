using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Hosting.Options;

namespace Refinery.Hosting.Data;

public static class DataExtensions
{
    /// <summary>Registers a service's own DbContext: its own SQLite file under the data directory when embedded,
    /// its own schema in the shared PostgreSQL database otherwise. Each provider has its own migrations, kept with a
    /// context type derived for that provider (<typeparamref name="TSqlite"/>, <typeparamref name="TPostgres"/>);
    /// the service itself only ever asks for <typeparamref name="TContext"/>. Migrations are applied at start.</summary>
    public static IHostApplicationBuilder AddRefineryDbContext<TContext, TSqlite, TPostgres>(this IHostApplicationBuilder builder,
        string schema)
        where TContext : DbContext where TSqlite : TContext where TPostgres : TContext
    {
        var options = builder.Configuration.GetSection(RefineryOptions.SectionName).Get<RefineryOptions>() ?? new();
        if (options.Database == DatabaseKind.Postgres)
        {
            var connection = builder.Configuration.GetConnectionString("Postgres")
                             ?? throw new InvalidOperationException(
                                 "Refinery:Database is Postgres but ConnectionStrings:Postgres is not set");
            builder.Services.AddDbContext<TContext, TPostgres>(db => db.UseRefineryPostgres(connection, schema));
        }
        else
        {
            var connection = SqliteConnectionString(options.DataDir, schema);
            builder.Services.AddDbContext<TContext, TSqlite>(db => db.UseRefinerySqlite(connection));
        }
        builder.Services.AddSingleton(new DbSchema<TContext>(schema));
        builder.Services.AddSingleton<ServiceDatabase<TContext>>();
        builder.Services.AddSingleton<ServiceDatabase>(sp => sp.GetRequiredService<ServiceDatabase<TContext>>());
        builder.Services.AddHostedService<MigrateAtStart<TContext>>();
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

/// <summary>The schema a context owns on PostgreSQL (and the name of its SQLite file); it also names the advisory lock
/// its migrations run under.</summary>
public sealed record DbSchema<TContext>(string Name) where TContext : DbContext;
