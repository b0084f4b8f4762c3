using System.CommandLine;
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
        var command = new Command("serve", "Run services; with no configuration, the embedded default")
        {
            targets, dataDir,
        };
        // Anything else (--urls, --Refinery:Bus=RabbitMq, ...) is host configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            var app = RefineryApp.Build(TargetCatalog.Parse(result.GetValue(targets)!), [.. result.UnmatchedTokens],
                CommonOptions.DataDirOverride(result, dataDir));
            await app.RunAsync(ct);
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
