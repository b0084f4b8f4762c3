using System.CommandLine;

namespace Refinery.Host.Cli;

/// <summary>The table of contents of the one Refinery binary: every verb, by the name a user types. A run builds only
/// the command of the verb it names: building all twelve, with their options and the code behind them compiled
/// optimised from the first call (no tiered compilation), cost about a tenth of a CPU-second of every short run.
/// Anything else (no verb, help, a typo) gets the whole tree, so help and suggestions list every verb.</summary>
public static class Verbs
{
    public sealed record Verb(string Name, Func<Command> Create);

    public static IReadOnlyList<Verb> All { get; } =
    [
        new("serve", ServeCommand.Create),
        new("ingest", IngestCommand.Create),
        new("demo", DemoCommand.Create),
        new("bench", BenchCommand.Create),
        new("signals", SignalsCommand.Create),
        new("dedup", DedupCommand.Create),
        new("filter", FilterCommand.Create),
        new("dataset", DatasetCommand.Create),
        new("train", TrainCommand.Create),
        new("gc", GcCommand.Create),
        new("resources", ResourcesCommand.Create),
        new("db", DbCommand.Create),
    ];

    public const string Description =
        "Refinery: ingest web text, compute quality signals, deduplicate, cut datasets, train, evaluate and serve.";

    /// <summary>The root command for these arguments: the named verb alone when the first argument names one.</summary>
    public static RootCommand Root(IReadOnlyList<string> args)
    {
        var root = new RootCommand(Description);
        var named = args.Count > 0 ? All.FirstOrDefault(v => v.Name == args[0]) : null;
        foreach (var verb in named is null ? All : [named]) root.Subcommands.Add(verb.Create());
        return root;
    }
}
