using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Host.Targets;
using Refinery.Hosting.Data;

namespace Refinery.Host.Cli;

/// <summary>`refinery db status|migrate [--targets …]`: the targets' databases against their migrations, configured
/// exactly as `serve` would be (--Refinery:Database=Postgres, environment variables), without starting any service.</summary>
public static class DbCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static Command Create()
    {
        var command = new Command("db", "Service databases: their applied and pending migrations");
        command.Subcommands.Add(Verb("status", "List each target's applied and pending migrations", migrate: false));
        command.Subcommands.Add(Verb("migrate", "Apply each target's pending migrations (adopting tables an earlier build made)", migrate: true));
        return command;
    }

    private static Command Verb(string name, string description, bool migrate)
    {
        var targets = new Option<string>("--targets")
        {
            Description = "Whose databases: all, or a comma list of " + string.Join(", ", TargetCatalog.All.Select(t => t.Name)),
            DefaultValueFactory = _ => "all",
        };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command(name, description) { targets, dataDir, json };
        // Anything else (--Refinery:Database=Postgres, --ConnectionStrings:Postgres=…) is configuration, as for serve.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            IReadOnlyList<Target> chosen;
            try { chosen = TargetCatalog.Parse(result.GetValue(targets)!); }
            catch (ArgumentException e) { return await CommonOptions.FailAsync(e.Message); }
            // Built, never started: only its registrations are used, so no bus connects and no consumer runs.
            await using var app = RefineryApp.Build(chosen, [.. result.UnmatchedTokens], CommonOptions.DataDirOverride(result, dataDir));
            var reports = new List<DatabaseReport>();
            var failed = false;
            foreach (var database in app.Services.GetServices<ServiceDatabase>())
            {
                IReadOnlyList<string> applied = [];
                string? error = null;
                if (migrate)
                {
                    try { applied = await database.MigrateAsync(ct); }
                    catch (InvalidOperationException e) { (error, failed) = (e.Message, true); }
                }
                reports.Add(new DatabaseReport(await database.StatusAsync(ct), applied, error));
            }
            if (result.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(reports.Select(ToJson), JsonOptions));
            else foreach (var report in reports) Print(report);
            return failed ? 1 : 0;
        });
        return command;
    }

    private sealed record DatabaseReport(DatabaseStatus Status, IReadOnlyList<string> AppliedNow, string? Error);

    private static object ToJson(DatabaseReport r) => new
    {
        target = r.Status.Schema, provider = r.Status.Provider, state = r.Status.State, applied = r.Status.Applied,
        pending = r.Status.Pending, differences = r.Status.Differences, appliedNow = r.AppliedNow, error = r.Error,
    };

    private static void Print(DatabaseReport r)
    {
        var s = r.Status;
        Console.WriteLine($"{s.Schema} ({s.Provider}): {Describe(s.State)}");
        foreach (var id in s.Applied) Console.WriteLine($"  applied  {id}{(r.AppliedNow.Contains(id) ? "  (now)" : "")}");
        foreach (var id in s.Pending) Console.WriteLine($"  pending  {id}");
        foreach (var difference in s.Differences) Console.WriteLine($"  differs  {difference}");
        if (r.Error is not null) Console.Error.WriteLine($"error: {r.Error}");
    }

    private static string Describe(DatabaseState state) => state switch
    {
        DatabaseState.Current => "up to date",
        DatabaseState.Pending => "migrations pending",
        DatabaseState.Adoptable => "adoptable: tables without history that match the first migration, which migrate records as applied",
        _ => "tables without history that differ from the first migration: migrate refuses them",
    };
}
