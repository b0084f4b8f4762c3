using System.Text.Json;
using Npgsql;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

/// <summary>`refinery db migrate` and `db status` as separate processes against a real PostgreSQL.</summary>
public sealed class DbMigrateProcessesTests
{
    [Fact]
    public async Task TwoProcessesOnAnEmptyPostgres_BothSucceed_AndApplyEachMigrationOnce()
    {
        var connection = await TestInfrastructure.CreatePostgresDatabaseAsync("migrate");
        string[] args = ["db", "migrate", "--targets", "all", "--json", "--Refinery:Database=Postgres", $"--ConnectionStrings:Postgres={connection}"];

        // Started together: both take the schemas' advisory locks in turn, so one applies and the other finds nothing pending.
        var results = await Task.WhenAll(CliProcess.RunAsync(TimeSpan.FromMinutes(3), args), CliProcess.RunAsync(TimeSpan.FromMinutes(3), args));

        foreach (var result in results) Assert.True(result.ExitCode == 0, result.Stderr);
        var reports = results.Select(r => JsonDocument.Parse(r.Stdout).RootElement.EnumerateArray().ToList()).ToList();
        // The schemas are the ones `--targets all` resolves to (the host's target catalog), so a new service is checked too.
        var schemas = reports[0].Select(t => t.GetProperty("target").GetString()!).ToList();
        Assert.Equal(schemas.Order(), reports[1].Select(t => t.GetProperty("target").GetString()!).Order());
        Assert.Contains("training", schemas);
        foreach (var schema in schemas)
        {
            var both = reports.Select(r => r.Single(t => t.GetProperty("target").GetString() == schema)).ToList();
            Assert.All(both, t => Assert.Equal("current", t.GetProperty("state").GetString()));
            var appliedNow = both.SelectMany(t => t.GetProperty("appliedNow").EnumerateArray().Select(m => m.GetString()!)).ToList();
            var all = both[0].GetProperty("applied").EnumerateArray().Select(m => m.GetString()!).ToList();
            Assert.Equal(all.Order(), appliedNow.Order());
            Assert.Equal(all.Select(id => (id, 1)), await HistoryAsync(connection, schema));
        }
    }

    [Fact]
    public async Task Status_BeforeAndAfterMigrate_ListsPendingThenApplied()
    {
        var connection = await TestInfrastructure.CreatePostgresDatabaseAsync("status");
        string[] configuration = ["--targets", "signals", "--json", "--Refinery:Database=Postgres", $"--ConnectionStrings:Postgres={connection}"];

        var before = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), ["db", "status", .. configuration]);
        var migrate = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), ["db", "migrate", .. configuration]);
        var after = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), ["db", "status", .. configuration]);

        Assert.True(before.ExitCode == 0 && migrate.ExitCode == 0 && after.ExitCode == 0, before.Stderr + migrate.Stderr + after.Stderr);
        var pending = JsonDocument.Parse(before.Stdout).RootElement.EnumerateArray().Single();
        var current = JsonDocument.Parse(after.Stdout).RootElement.EnumerateArray().Single();
        Assert.Equal(("signals", "Postgres", "pending"),
            (pending.GetProperty("target").GetString(), pending.GetProperty("provider").GetString(), pending.GetProperty("state").GetString()));
        Assert.Equal(0, pending.GetProperty("applied").GetArrayLength());
        Assert.Equal("current", current.GetProperty("state").GetString());
        Assert.Equal(pending.GetProperty("pending").ToString(), current.GetProperty("applied").ToString());
        Assert.Equal(0, current.GetProperty("pending").GetArrayLength());
    }

    [Fact]
    public async Task Migrate_TablesThatDifferFromTheFirstMigration_ExitsWithOne_NamingTheDifference()
    {
        var dir = Path.Combine(Path.GetTempPath(), "refinery-migrate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "db"));
        try
        {
            await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dir, "db", "signals.db")};Pooling=False"))
            {
                await old.OpenAsync();
                await using var create = old.CreateCommand();
                create.CommandText = "CREATE TABLE shards (CorpusId TEXT NOT NULL, Shard INTEGER NOT NULL, PRIMARY KEY (CorpusId, Shard))";
                await create.ExecuteNonQueryAsync();
            }

            var result = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "db", "migrate", "--targets", "signals", "--data-dir", dir, "--json");

            Assert.Equal(1, result.ExitCode);
            var report = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Single();
            Assert.Equal("unadoptable", report.GetProperty("state").GetString());
            Assert.Contains("missing column shards.Config", report.GetProperty("differences").EnumerateArray().Select(d => d.GetString()));
            Assert.Contains("missing column shards.Config", report.GetProperty("error").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<List<(string, int)>> HistoryAsync(string connection, string schema)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = $"SELECT \"MigrationId\", count(*)::int FROM {schema}.__ef_migrations_history GROUP BY 1 ORDER BY 1";
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<(string, int)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt32(1)));
        return rows;
    }
}
