using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Refinery.Host.Cli;
using Refinery.Quality.Formats;

namespace Refinery.Host.Bench;

/// <summary>The child side of `refinery bench signals`: one whole path, run in this fresh process and measured from the
/// process's start to the end of the path, so runtime start-up, JIT, loading the word lists, reading the input and
/// writing the output all count, as they do for a user's run. Prints one <see cref="Measure"/> as JSON.</summary>
internal static class SignalsBenchCase
{
    /// <summary>Case "read": the floor (decompress, parse); "signals": the `refinery signals` verb itself, reading
    /// Input and writing Output in Format; "service": the Signals service's shard path, Input being the event file
    /// <see cref="SignalsServicePath.PrepareAsync"/> saved and Store the object store spec.</summary>
    public sealed record Settings(string Case, string Input, string? Output, string Format, int Threads, string CacheDir,
        string? Models, string? Store);

    public sealed record Measure(long Documents, double WallSeconds, double CpuSeconds, long PeakWorkingSetBytes, int Gen2Collections);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        var documents = settings.Case switch
        {
            "read" => await ReadAsync(settings.Input, ct),
            "signals" => await SignalsVerbAsync(settings, ct),
            "service" => await SignalsServicePath.RunAsync(settings.Store!, settings.Input, settings.Threads, settings.CacheDir, ct),
            _ => throw new ArgumentException($"Unknown case '{settings.Case}'"),
        };
        using var self = Process.GetCurrentProcess();
        var wall = DateTime.Now - self.StartTime;
        Console.WriteLine(JsonSerializer.Serialize(
            new Measure(documents, wall.TotalSeconds, self.TotalProcessorTime.TotalSeconds, self.PeakWorkingSet64, GC.CollectionCount(2)), Json));
    }

    private static async Task<long> ReadAsync(string input, CancellationToken ct)
    {
        long documents = 0;
        await foreach (var item in SignalInputReader.ReadAsync(input, "en", ct))
            if (item.Document is not null) documents++;
        return documents;
    }

    /// <summary>Runs the verb's own command with the user's arguments; its --json summary gives the document count.</summary>
    private static async Task<long> SignalsVerbAsync(Settings s, CancellationToken ct)
    {
        List<string> args = ["signals", s.Input, "-o", s.Output!, "--format", s.Format, "--threads", s.Threads.ToString(),
            "--cache", s.CacheDir, "--json"];
        if (s.Models is not null) args.AddRange(["--models", s.Models]);
        var stdout = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        int exit;
        try
        {
            exit = await new RootCommand { SignalsCommand.Create() }.Parse(args).InvokeAsync(cancellationToken: ct);
        }
        finally
        {
            Console.SetOut(stdout);
        }
        if (exit != 0) throw new InvalidOperationException($"refinery {string.Join(' ', args)} exited with {exit}");
        using var summary = JsonDocument.Parse(captured.ToString());
        return summary.RootElement.GetProperty("documents").GetInt64();
    }
}
