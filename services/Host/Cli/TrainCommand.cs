using System.CommandLine;
using System.Text.Json;
using Refinery.Contracts.Training;
using Refinery.Host.Embedded;

namespace Refinery.Host.Cli;

/// <summary>`refinery train --data DATASET@VERSION[:TOKENS] …`: submits a training job to a gateway (--api) or to the
/// embedded platform, follows it with a live progress line and sums it up; `train status ID`, `train cancel ID` and
/// `train list` read and stop jobs.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var options = new TrainOptions();
        var connection = new Connection();
        var json = CommonOptions.Json();
        var noWait = new Option<bool>("--no-wait") { Description = "Print the job's id and return once it is accepted (needs --api: the embedded platform stops with this command)" };
        var command = new Command("train", "Train a model on dataset versions: pretrain, continue a model through curriculum stages, or fine-tune it");
        foreach (var option in options.All) command.Options.Add(option);
        foreach (var option in connection.All) command.Options.Add(option);
        command.Options.Add(json);
        command.Options.Add(noWait);
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Cancel());
        command.Subcommands.Add(List());
        command.SetAction(async (result, ct) =>
        {
            var (request, error) = options.Build(result);
            if (request is null) return await CommonOptions.FailAsync(error!);
            var (asJson, wait) = (result.GetValue(json), !result.GetValue(noWait));
            if (!wait && result.GetValue(connection.Api) is null) return await CommonOptions.FailAsync("--no-wait needs --api: the embedded platform stops with this command");
            return await connection.RunAsync(result, async (client, token) =>
            {
                if (!wait)
                {
                    var accepted = await client.SubmitAsync(request, token);
                    Console.WriteLine(asJson ? accepted.GetRawText()
                        : $"job {accepted.GetProperty("jobId").GetString()} {accepted.GetProperty("status").GetString()}: {accepted.GetProperty("statusUrl").GetString()}");
                    return 0;
                }
                var progress = new ProgressWriter(quiet: asJson);
                var job = await client.RunAsync(request, progress.Write, token);
                progress.Finish();
                Write(job, asJson);
                return job.GetProperty("status").GetString() == "completed" ? 0 : 1;
            }, ct);
        });
        return command;
    }

    private static Command Status()
    {
        var id = new Argument<string>("id") { Description = "The training job's id" };
        var points = new Option<int?>("--points") { Description = "Most points of the loss curve in --json (default 200)" };
        var connection = new Connection();
        var json = CommonOptions.Json();
        var command = new Command("status", "One training job: status, latest figures, how it ended") { id, points, json };
        foreach (var option in connection.All) command.Options.Add(option);
        command.SetAction((result, ct) => connection.RunAsync(result, async (client, token) =>
        {
            Write(await client.StatusAsync(result.GetValue(id)!, result.GetValue(points), token), result.GetValue(json));
            return 0;
        }, ct));
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "The training job's id" };
        var connection = new Connection();
        var json = CommonOptions.Json();
        var command = new Command("cancel", "Stop a training job at its next step, with a final checkpoint") { id, json };
        foreach (var option in connection.All) command.Options.Add(option);
        command.SetAction((result, ct) => connection.RunAsync(result, async (client, token) =>
        {
            var accepted = await client.CancelAsync(result.GetValue(id)!, token);
            Console.WriteLine(result.GetValue(json) ? accepted.GetRawText()
                : $"cancellation of job {accepted.GetProperty("jobId").GetString()} sent (it was {accepted.GetProperty("status").GetString()}); " +
                  "it stops at its next step");
            return 0;
        }, ct));
        return command;
    }

    private static Command List()
    {
        var status = new Option<string?>("--status") { Description = "Only jobs in this status: submitted, running, completed, failed, cancelled" };
        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 50, Description = "Most jobs listed, newest first" };
        var connection = new Connection();
        var json = CommonOptions.Json();
        var command = new Command("list", "The training jobs, newest first") { status, limit, json };
        foreach (var option in connection.All) command.Options.Add(option);
        command.SetAction((result, ct) => connection.RunAsync(result, async (client, token) =>
        {
            var page = await client.ListAsync(result.GetValue(status), result.GetValue(limit), token);
            if (result.GetValue(json))
            {
                Console.WriteLine(page.GetRawText());
                return 0;
            }
            var items = page.GetProperty("items");
            if (items.GetArrayLength() == 0) Console.WriteLine("no training jobs yet: `refinery train --data DATASET@VERSION:TOKENS` starts one");
            foreach (var job in items.EnumerateArray()) Console.WriteLine(TrainingReport.Summary(job).First());
            return 0;
        }, ct));
        return command;
    }

    private static void Write(JsonElement job, bool json)
    {
        if (json) Console.WriteLine(job.GetRawText());
        else foreach (var line in TrainingReport.Summary(job)) Console.WriteLine(line);
    }

    /// <summary>Where the verbs reach the training API: a gateway given by --api, else the embedded platform in this
    /// process on --data-dir (as `refinery ingest` does).</summary>
    private sealed class Connection
    {
        public Option<string?> Api { get; } = new("--api") { Description = "A gateway URL; use it instead of the embedded platform in this process" };
        public Option<string?> ApiKey { get; } = new("--api-key") { Description = "API key (the writer role to submit or cancel; default: $REFINERY_API_KEY)" };
        public Option<string> DataDir { get; } = CommonOptions.DataDir();

        public IEnumerable<Option> All => [Api, ApiKey, DataDir];

        /// <param name="use">Given the client and the token that stops it: the verb's own, and on the embedded platform
        /// also the platform's <see cref="EmbeddedPlatform.Stopping"/>.</param>
        public async Task<int> RunAsync(ParseResult result, Func<TrainingClient, CancellationToken, Task<int>> use, CancellationToken ct)
        {
            try
            {
                if (result.GetValue(Api) is { } url)
                {
                    using var remote = TrainingClient.For(new Uri(url), result.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("REFINERY_API_KEY"));
                    return await use(remote, ct);
                }
                await using var platform = await EmbeddedPlatform.StartAsync(result.GetValue(DataDir)!, quiet: true, ct);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, platform.Stopping);
                using var embedded = TrainingClient.For(platform.Url, apiKey: null);
                return await use(embedded, stop.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or UriFormatException or JsonException)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 1;
            }
            catch (OperationCanceledException)
            {
                // The job is the service's: it goes on (or waits on its queue) whether or not anyone follows it.
                await Console.Error.WriteLineAsync("\nstopped following; `refinery train status ID` shows the job, `refinery train cancel ID` stops it");
                return 130;
            }
        }
    }

    /// <summary>The live progress line on stderr: rewritten in place on a terminal, one line per event otherwise.</summary>
    private sealed class ProgressWriter(bool quiet)
    {
        private readonly bool _inPlace = !Console.IsErrorRedirected;
        private int _width;

        public void Write(object e)
        {
            if (quiet) return;
            switch (e)
            {
                case TrainingJobStarted started:
                    Finish();
                    Console.Error.WriteLine(TrainingReport.StartedLine(started));
                    break;
                case TrainingJobProgressed progressed:
                    var line = TrainingReport.ProgressLine(progressed);
                    if (!_inPlace) { Console.Error.WriteLine(line); break; }
                    Console.Error.Write("\r" + line.PadRight(_width));
                    _width = line.Length;
                    break;
            }
        }

        /// <summary>Ends a line left open in place, so what follows starts on its own.</summary>
        public void Finish()
        {
            if (quiet || !_inPlace || _width == 0) return;
            Console.Error.WriteLine();
            _width = 0;
        }
    }
}
