using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Hosting.Data;
using Refinery.TestSupport;

namespace Refinery.Hosting.Tests;

public sealed class SchemaInitializerTests
{
    public sealed class Thing
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
    }

    public sealed class ThingsDbContext(DbContextOptions<ThingsDbContext> options) : DbContext(options)
    {
        public DbSet<Thing> Things => Set<Thing>();

        protected override void OnModelCreating(ModelBuilder model)
        {
            if (Database.IsNpgsql()) model.HasDefaultSchema("things");
        }
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRefineryDbContext<ThingsDbContext>("things");
        return builder.Build();
    }

    [Fact]
    public async Task Embedded_CreatesItsOwnSqliteFile_UnderTheDataDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "refinery-schema-" + Guid.NewGuid().ToString("N"));
        using var host = Build(new() { ["Refinery:DataDir"] = dir });
        await host.StartAsync();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ThingsDbContext>();
            db.Things.Add(new Thing { Name = "one" });
            await db.SaveChangesAsync();
        }
        await host.StopAsync();

        Assert.True(File.Exists(Path.Combine(dir, "db", "things.db")));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Postgres_TwoProcessesStartingTogether_CreateTheSchemaOnce()
    {
        var connection = await TestInfrastructure.CreatePostgresDatabaseAsync("schema");
        var settings = new Dictionary<string, string?>
        {
            ["Refinery:Database"] = "Postgres", ["ConnectionStrings:Postgres"] = connection,
        };
        using var first = Build(settings);
        using var second = Build(settings);

        await Task.WhenAll(first.StartAsync(), second.StartAsync());

        await using var scope = first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ThingsDbContext>();
        db.Things.Add(new Thing { Name = "one" });
        await db.SaveChangesAsync();
        Assert.Equal(1, await db.Things.CountAsync());
        Assert.Equal(1, await db.Database.SqlQueryRaw<int>(
            "SELECT count(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = 'things'").SingleAsync());
        await Task.WhenAll(first.StopAsync(), second.StopAsync());
    }

    [Fact]
    public async Task Embedded_TablesOfAnEarlierBuild_StopTheStart_NamingTheMissingColumn()
    {
        var dir = Path.Combine(Path.GetTempPath(), "refinery-schema-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "db"));
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dir, "db", "things.db")};Pooling=False"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = "CREATE TABLE Things (Id INTEGER PRIMARY KEY)";
            await create.ExecuteNonQueryAsync();
        }
        using var host = Build(new() { ["Refinery:DataDir"] = dir });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("lack column Things.Name", error.Message);
        Assert.Contains(Path.Combine(dir, "db", "things.db"), error.Message);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Postgres_ASchemaOfAnEarlierBuild_StopsTheStart_NamingTheMissingTable()
    {
        var connection = await TestInfrastructure.CreatePostgresDatabaseAsync("schema");
        await using (var old = new Npgsql.NpgsqlConnection(connection))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = "CREATE SCHEMA things; CREATE TABLE things.\"Others\" (\"Id\" integer PRIMARY KEY)";
            await create.ExecuteNonQueryAsync();
        }
        using var host = Build(new() { ["Refinery:Database"] = "Postgres", ["ConnectionStrings:Postgres"] = connection });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("lack table Things", error.Message);
        Assert.Contains("DROP SCHEMA things CASCADE", error.Message);
    }
}
