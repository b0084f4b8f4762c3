using System.CommandLine;
using System.Text.Json;
using Refinery.Host.Targets;

namespace Refinery.Host.Cli;

/// <summary>`refinery serve --targets all|gateway,ingestion,...`: runs services until stopped.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var targets = new Option<string>("--targets")
        {
            Description = "Services to run in this process: all, or a comma list of " +
                          string.Join(", ", TargetCatalog.All.Select(t => t.Name)),
            DefaultValueFactory = _ => "all",
        };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("serve", "Run services; with no configuration, the embedded default")
        {
            targets, dataDir, json,
        };
        // Anything else (--urls, --Refinery:Bus=RabbitMq, ...) is host configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            var chosen = TargetCatalog.Parse(result.GetValue(targets)!);
            await using var app = RefineryApp.Build(chosen, [.. result.UnmatchedTokens], CommonOptions.DataDirOverride(result, dataDir));
            await app.StartAsync(ct);
            // Processes without the gateway listen on a free port; say which, so health and metrics can be found.
            var names = chosen.Select(t => t.Name).ToArray();
            Console.WriteLine(result.GetValue(json)
                ? JsonSerializer.Serialize(new { targets = names, urls = app.Urls.ToArray(), processId = Environment.ProcessId })
                : $"refinery serving {string.Join(", ", names)} on {string.Join(", ", app.Urls)}");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>Host-style arguments with no verb (how WebApplicationFactory starts the entry point) mean serve.</summary>
    public static string[] DefaultToServe(string[] args) =>
        args.Length > 0 && args[0].StartsWith("--", StringComparison.Ordinal) &&
        args[0] is not ("--help" or "--version") && !args[0].StartsWith("--help", StringComparison.Ordinal)
            ? ["serve", .. args]
            : args;
}
