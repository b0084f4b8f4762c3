using System.Diagnostics;
using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Training;
using Refinery.Host.Embedded;

namespace Refinery.Host.Demo;

/// <summary>The RedPajama ablation in small: one tiny model trained on each of the curation stage's versions with the
/// same configuration and token budget, compared in bits per byte on the prose held out before ingestion (no version
/// holds it) and on each version's own validation part.</summary>
public sealed class TrainingSampleStage : IDemoStage
{
    /// <summary>Training tokens per model: about a minute each on two cores.</summary>
    public const long TokenBudget = 1_000_000;

    /// <summary>Held-out bytes scored per model (the first documents in source order), to keep the stage in its budget.</summary>
    public const int HeldOutBytes = 200_000;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(20);

    public string Title => "Training: a tiny model on each version, same recipe and budget, compared on held-out prose";

    public async Task RunAsync(DemoContext context, CancellationToken ct)
    {
        var platform = context.Platform ?? throw new InvalidOperationException("the ingest stage starts the platform");
        if (context.Versions.Count == 0) throw new InvalidOperationException("the curation stage cuts the versions to train on");
        var heldOut = HeldOutText.Tokens(context.HeldOut, HeldOutBytes);
        var rows = new List<object>();
        foreach (var version in context.Versions)
        {
            var request = new SubmitTrainingJob
            {
                ModelName = $"demo-{version.Dataset}",
                Model = new ModelSpec { Preset = ModelPreset.Tiny },
                Stages = [new TrainingStage { Dataset = version.Dataset, Version = version.Version, Tokens = TokenBudget }],
                // One thread: a model this small runs faster on one core than split over two (OpenMP overhead), and the
                // result does not depend on the machine's load.
                Hyperparameters = new TrainingHyperparameters { MicroBatch = 8, LearningRate = 3e-3, MinLearningRate = 3e-4, WarmupSteps = 20, Threads = 1 },
                Intervals = new TrainingIntervals { ProgressEverySteps = 20, EvaluateEverySteps = 0, EvaluationTokens = 32_768, CheckpointEverySteps = 500 },
                RequestId = Guid.NewGuid(),
            };
            var clock = Stopwatch.StartNew();
            var completed = await TrainAsync(platform, request, version.Dataset, context.Progress.Update, ct);
            var seconds = clock.Elapsed.TotalSeconds;
            context.Progress.Update($"{version.Dataset}: scoring {heldOut.Count:N0} held-out bytes");
            var heldOutBitsPerByte = await HeldOutText.BitsPerByteAsync(platform.Store, completed.ModelFolder, heldOut, ct);
            rows.Add(new
            {
                version.Dataset, version.Version, completed.JobId, completed.Steps, completed.Tokens, completed.Parameters,
                HeldOutBitsPerByte = heldOutBitsPerByte, completed.ValidationBitsPerByte, Seconds = Math.Round(seconds, 1),
                completed.ModelFolder,
            });
            if (!context.Json)
                context.Output.WriteLine($"{version.Dataset,-22}{completed.Steps,7:N0}{completed.Tokens,12:N0}{heldOutBitsPerByte,12:F3}" +
                                         $"{completed.ValidationBitsPerByte,12:F3}{seconds,9:F0} s");
        }
        context.Progress.Note($"{rows.Count} models, {TokenBudget:N0} tokens each");
        if (!context.Json)
        {
            context.Output.WriteLine($"  columns: dataset, steps, tokens, held-out bits/byte ({heldOut.Count:N0} bytes of prose no version holds), " +
                                     "own validation bits/byte, time");
            context.Output.WriteLine("`refinery train --data DATASET@VERSION` trains one; the models are under training/{job}/model/ in Hugging Face's layout.");
            context.Output.WriteLine();
        }
        context.Results["training"] = rows;
    }

    /// <summary>Sends the request to the embedded Training service, reports its progress, and waits for its end.</summary>
    private static async Task<TrainingJobCompleted> TrainAsync(EmbeddedPlatform platform, SubmitTrainingJob request, string dataset,
        Action<string> progress, CancellationToken ct)
    {
        var id = TrainingRequests.JobId(request);
        var watch = platform.Bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
            e.Handler<TrainingJobProgressed>(c =>
            {
                var p = c.Message;
                if (p.JobId == id)
                    progress($"{dataset}: step {p.Step}/{p.TotalSteps}, loss {p.Loss:F3} ({p.BitsPerByte:F3} bits/byte), " +
                             $"{p.TokensPerSecond:N0} tokens/s, ETA {TimeSpan.FromSeconds(Math.Round(p.EtaSeconds)):m\\:ss}");
                return Task.CompletedTask;
            }));
        try
        {
            await watch.Ready.WaitAsync(ct);
            return await EventAwaiter.RequestAsync<SubmitTrainingJob, TrainingJobCompleted, TrainingJobFailed>(platform.Bus,
                CommandQueues.SubmitTrainingJob, request, e => e.JobId == id,
                f => f.JobId == id || f.RequestId == request.RequestId ? $"training on {dataset} failed at {f.Step}: {f.Reason}" : null,
                Patience, ct, faulted => faulted.RequestId == request.RequestId);
        }
        finally
        {
            await watch.StopAsync(CancellationToken.None);
        }
    }
}
