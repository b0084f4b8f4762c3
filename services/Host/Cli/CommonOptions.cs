using System.CommandLine;

namespace Refinery.Host.Cli;

/// <summary>Options several verbs share.</summary>
public static class CommonOptions
{
    public static Option<string> DataDir() => new("--data-dir")
    {
        Description = "Where the embedded default keeps its databases and objects",
        DefaultValueFactory = _ => ".refinery",
    };

    /// <summary>An explicit --data-dir becomes configuration; otherwise configuration (or its default) decides.</summary>
    public static Dictionary<string, string?> DataDirOverride(ParseResult result, Option<string> dataDir) =>
        result.GetResult(dataDir) is { Implicit: false }
            ? new() { ["Refinery:DataDir"] = result.GetValue(dataDir) }
            : new();

    public static Option<bool> Json() => new("--json")
    {
        Description = "Write a machine-readable JSON result to stdout (logs go to stderr)",
    };

    /// <summary>Reports a usage or input error on stderr and gives the exit code for it (2).</summary>
    public static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync($"error: {message}");
        return 2;
    }
}
