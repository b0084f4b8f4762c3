using System.Globalization;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Training;

namespace Refinery.Host.Cli;

/// <summary>What `refinery train` prints: the live progress line of a running job and the summary of one that ended.</summary>
public static class TrainingReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"step 120/1,000  loss 3.412  1.234 bits/byte  lr 2.90e-03  4,096 tok/s  ETA 5m12s" (and the validation
    /// loss when the event measured one).</summary>
    public static string ProgressLine(TrainingJobProgressed e)
    {
        var line = new StringBuilder();
        line.Append(Invariant, $"step {e.Step:N0}/{e.TotalSteps:N0}  loss {e.Loss:F3}  {e.BitsPerByte:F3} bits/byte  lr {e.LearningRate:0.00e+00}  ");
        line.Append(Invariant, $"{e.TokensPerSecond:N0} tok/s  ETA {Duration(e.EtaSeconds)}");
        if (e.ValidationBitsPerByte is { } bpb) line.Append(Invariant, $"  validation {bpb:F3} bits/byte");
        return line.ToString();
    }

    public static string StartedLine(TrainingJobStarted e) => e.ResumedFromStep > 0
        ? string.Create(Invariant, $"job {e.JobId} resumed from step {e.ResumedFromStep:N0} of {e.TotalSteps:N0} ({e.Parameters:N0} parameters)")
        : string.Create(Invariant, $"job {e.JobId} started: {e.TotalSteps:N0} steps, {e.TotalTokens:N0} tokens, {e.Parameters:N0} parameters");

    /// <summary>"1h02m", "5m12s", "42s"; "?" for a figure that is not one.</summary>
    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "?";
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
    }

    /// <summary>The lines that sum up a job as GET /api/training/jobs/{id} shows it.</summary>
    public static IEnumerable<string> Summary(JsonElement job)
    {
        var (id, status) = (job.GetProperty("jobId").GetString(), job.GetProperty("status").GetString());
        var (step, total, tokens) = (job.GetProperty("step").GetInt32(), job.GetProperty("totalSteps").GetInt32(), job.GetProperty("tokens").GetInt64());
        switch (status)
        {
            case "completed":
                var model = job.GetProperty("model");
                var took = Number(model, "seconds") is { } seconds ? $" in {Duration(seconds)}" : "";
                yield return string.Create(Invariant, $"job {id} completed: {step:N0} steps, {tokens:N0} tokens, {job.GetProperty("parameters").GetInt64():N0} parameters{took}");
                yield return $"validation: {Format(Number(job, "validationBitsPerByte"))} bits/byte (loss {Format(Number(job, "validationLoss"))} nats/token); " +
                             $"final training loss {Format(Number(model, "finalLoss"))}";
                yield return $"model: {model.GetProperty("folder").GetString()}";
                yield return $"lineage: {model.GetProperty("lineage").GetProperty("key").GetString()}";
                break;
            case "failed":
                var failure = job.GetProperty("failure");
                yield return $"job {id} failed at {failure.GetProperty("step").GetString()}: {failure.GetProperty("reason").GetString()}";
                break;
            case "cancelled":
                var cancellation = job.GetProperty("cancellation");
                var at = cancellation.GetProperty("checkpoint").GetString() is { } checkpoint ? $" (checkpoint {checkpoint})" : "";
                yield return string.Create(Invariant, $"job {id} cancelled at step {cancellation.GetProperty("step").GetInt32():N0}{at}");
                break;
            case "submitted":
                yield return $"job {id} submitted: waiting for a training process to take it";
                break;
            default:
                var eta = Number(job, "etaSeconds") is { } left ? Duration(left) : "?";
                yield return string.Create(Invariant, $"job {id} {status}: step {step:N0}/{total:N0}, {tokens:N0} tokens, loss {Format(Number(job, "loss"))}, {Format(Number(job, "bitsPerByte"))} bits/byte, ETA {eta}");
                if (Number(job, "validationBitsPerByte") is { } validation)
                    yield return string.Create(Invariant, $"validation: {validation:F3} bits/byte at step {job.GetProperty("validationStep").GetInt32():N0}");
                break;
        }
    }

    private static double? Number(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string Format(double? value) => value is { } v ? v.ToString("F3", Invariant) : "-";
}
