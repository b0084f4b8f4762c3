using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Host.Targets;
using Refinery.Hosting.Data;
using Refinery.TestSupport;

namespace Refinery.Host.Tests.Migrations;

/// <summary>Every service's database on each provider, registered exactly as `refinery serve` registers it (the target's
/// own Add… call) in an app that is built but never started: a fresh SQLite directory or a fresh PostgreSQL database.</summary>
public sealed class ServiceDatabases : IAsyncDisposable
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    private readonly WebApplication _app;
    private readonly string? _dataDir;

    private ServiceDatabases(WebApplication app, string? dataDir)
    {
        _app = app;
        _dataDir = dataDir;
        Database = app.Services.GetServices<ServiceDatabase>().Single();
    }

    /// <summary>The five services with a database, on both providers.</summary>
    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in TargetCatalog.All)
        foreach (var provider in new[] { Sqlite, Postgres })
            data.Add(target.Name, provider);
        return data;
    }

    /// <summary>The five services with a database, for what only SQLite has.</summary>
    public static TheoryData<string> OnSqlite()
    {
        var data = new TheoryData<string>();
        foreach (var target in TargetCatalog.All) data.Add(target.Name);
        return data;
    }

    public ServiceDatabase Database { get; }

    /// <summary>A fresh, empty database for the target: nothing is created until a test asks.</summary>
    public static async Task<ServiceDatabases> CreateAsync(string target, string provider)
    {
        if (provider == Postgres)
        {
            var connection = await TestInfrastructure.CreatePostgresDatabaseAsync("migrations");
            return Build(target, new() { ["Refinery:Database"] = Postgres, ["ConnectionStrings:Postgres"] = connection }, null);
        }
        var dir = Path.Combine(Path.GetTempPath(), "refinery-migrations-" + Guid.NewGuid().ToString("N"));
        return Build(target, new() { ["Refinery:DataDir"] = dir }, dir);
    }

    /// <summary>The target's context on PostgreSQL with a connection string that is never opened: for model checks.</summary>
    public static ServiceDatabases WithoutServer(string target, string provider) =>
        provider == Postgres
            ? Build(target, new() { ["Refinery:Database"] = Postgres, ["ConnectionStrings:Postgres"] = "Host=never-opened" }, null)
            : Build(target, new() { ["Refinery:DataDir"] = Path.Combine(Path.GetTempPath(), "refinery-model-" + Guid.NewGuid().ToString("N")) },
                null);

    private static ServiceDatabases Build(string target, Dictionary<string, string?> settings, string? dataDir) =>
        new(RefineryApp.Build(TargetCatalog.Parse(target), [], settings), dataDir);

    /// <summary>Runs <paramref name="use"/> with a fresh context of the service's provider-specific type.</summary>
    public async Task<T> WithContextAsync<T>(Func<DbContext, Task<T>> use)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await use((DbContext)scope.ServiceProvider.GetRequiredService(Database.ContextType));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (_dataDir is not null && Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }
}
