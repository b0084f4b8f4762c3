using System.Net.Http.Json;
using System.Text.Json;
using Refinery.Contracts.Options;
using Refinery.Contracts.Training;

namespace Refinery.Host.Cli;

/// <summary>The client side of the gateway's training API for `refinery train`: submits a job and follows it on
/// /api/events until it ends, shows one, cancels one, lists them. The event stream is opened (filtered by the job's id,
/// which is the hash of the request and so known before it is sent) before the request, so no event can be missed.</summary>
public sealed class TrainingClient(HttpClient http) : IDisposable
{
    public static readonly JsonSerializerOptions Json = ContractJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static readonly string[] Ended = ["completed", "failed", "cancelled"];

    public static TrainingClient For(Uri api, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = api, Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(apiKey)) http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return new TrainingClient(http);
    }

    /// <summary>POST /api/training/jobs: the accepted answer (jobId, known, status, statusUrl).</summary>
    public async Task<JsonElement> SubmitAsync(SubmitTrainingJob request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/training/jobs", request, Json, ct);
        return await ReadAsync(response, "the training job", ct);
    }

    /// <summary>Submits the job and follows its events, reporting each start and progress, until it ends; then its status
    /// as the gateway shows it. A job the gateway already shows completed is reported at once.</summary>
    public async Task<JsonElement> RunAsync(SubmitTrainingJob request, Action<object> onEvent, CancellationToken ct)
    {
        var jobId = TrainingRequests.JobId(request);
        var types = string.Join(',', nameof(TrainingJobStarted), nameof(TrainingJobProgressed), nameof(TrainingJobCompleted),
            nameof(TrainingJobFailed), nameof(TrainingJobCancelled));
        using var events = await http.GetAsync($"/api/events?job={jobId}&type={types}", HttpCompletionOption.ResponseHeadersRead, ct);
        events.EnsureSuccessStatusCode();
        await using var stream = await events.Content.ReadAsStreamAsync(ct);

        var accepted = await SubmitAsync(request, ct);
        if (accepted.GetProperty("status").GetString() == "completed") return await StatusAsync(jobId, null, ct);
        await foreach (var (type, data) in ServerSentEvents.ReadAsync(stream, ct))
        {
            switch (type)
            {
                case nameof(TrainingJobStarted):
                    onEvent(JsonSerializer.Deserialize<TrainingJobStarted>(data, Json)!);
                    break;
                case nameof(TrainingJobProgressed):
                    onEvent(JsonSerializer.Deserialize<TrainingJobProgressed>(data, Json)!);
                    break;
                case nameof(TrainingJobCompleted) or nameof(TrainingJobFailed) or nameof(TrainingJobCancelled):
                    return await EndedStatusAsync(jobId, ct);
            }
        }
        throw new InvalidOperationException($"The gateway closed the event stream before training job {jobId} ended");
    }

    /// <summary>The job's status once the gateway's read model has the end the event stream announced (the stream and the
    /// read model are fed by separate consumers, so the one may run ahead of the other).</summary>
    private async Task<JsonElement> EndedStatusAsync(string jobId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await StatusAsync(jobId, null, ct);
            if (Ended.Contains(status.GetProperty("status").GetString()) || DateTime.UtcNow > deadline) return status;
            await Task.Delay(200, ct);
        }
    }

    /// <summary>GET /api/training/jobs/{id}, with the loss curve downsampled to <paramref name="points"/> (the gateway's default when null).</summary>
    public async Task<JsonElement> StatusAsync(string jobId, int? points, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/training/jobs/{Uri.EscapeDataString(jobId)}{(points is { } n ? $"?points={n}" : "")}", ct);
        return await ReadAsync(response, $"training job {jobId}", ct);
    }

    public async Task<JsonElement> CancelAsync(string jobId, CancellationToken ct)
    {
        using var response = await http.PostAsync($"/api/training/jobs/{Uri.EscapeDataString(jobId)}/cancel", null, ct);
        return await ReadAsync(response, $"the cancellation of training job {jobId}", ct);
    }

    public async Task<JsonElement> ListAsync(string? status, int limit, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/training/jobs?limit={limit}{(status is null ? "" : $"&status={Uri.EscapeDataString(status)}")}", ct);
        return await ReadAsync(response, "the training jobs", ct);
    }

    /// <summary>The answer's JSON; a refusal throws with what the gateway's problem details say (the bad fields, or the detail).</summary>
    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The gateway refused {what} ({(int)response.StatusCode}): {ProblemText(await response.Content.ReadAsStringAsync(ct))}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct);
    }

    /// <summary>"stages[0].version: a version is 12 lower-case hex digits" from a validation problem, the detail from
    /// another problem, the body as it is when it is no problem details.</summary>
    public static string ProblemText(string body)
    {
        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(body);
            if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                return string.Join("; ", errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(m => m.GetString()))}"));
            if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text)
                return text;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not the problem details it claims to be: shown as it came.
        }
        return body;
    }

    public void Dispose() => http.Dispose();
}
