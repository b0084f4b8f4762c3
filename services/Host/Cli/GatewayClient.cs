using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Refinery.Contracts.Ingestion;
using Refinery.Host.Embedded;

namespace Refinery.Host.Cli;

/// <summary>The client side of the gateway for CLI verbs: uploads a corpus, then follows /api/events until it
/// is ingested. The event stream is opened first so the outcome cannot be missed. Uploading the same files with the
/// same settings again is idempotent: the gateway answers 200 for the corpus it already has, and a corpus already
/// ingested is reported from its status without waiting for events.</summary>
public static class GatewayClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<CorpusIngested> IngestAsync(Uri api, string? apiKey, string corpus, string[] paths,
        IngestSettings settings, Action<object> onEvent, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(apiKey)) http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var corpusId = CorpusNames.IdOf(corpus);

        using var events = await http.GetAsync(
            $"/api/events?corpus={corpusId}&type={nameof(CorpusShardIngested)},{nameof(CorpusIngested)},{nameof(CorpusIngestionFailed)}",
            HttpCompletionOption.ResponseHeadersRead, ct);
        events.EnsureSuccessStatusCode();
        await using var stream = await events.Content.ReadAsStreamAsync(ct);

        using (var form = new MultipartFormDataContent())
        {
            form.Add(new StringContent(corpus), "name");
            form.Add(new StringContent(settings.TextField), "textField");
            form.Add(new StringContent(settings.IdField), "idField");
            form.Add(new StringContent(settings.UrlField), "urlField");
            form.Add(new StringContent(settings.ShardDocuments.ToString(System.Globalization.CultureInfo.InvariantCulture)), "shardDocuments");
            form.Add(new StringContent(settings.DetectLanguage ? "true" : "false"), "detectLanguage");
            var files = new List<FileStream>();
            try
            {
                foreach (var path in Embedded.RawUploads.ExpandDirectories(paths))
                {
                    var file = File.OpenRead(path);
                    files.Add(file);
                    var content = new StreamContent(file);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    form.Add(content, "files", Path.GetFileName(path));
                }
                using var response = await http.PostAsync("/api/corpora", form, ct);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException(
                        $"Gateway refused the corpus ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(ct)}");
                // 200: the gateway has this content under this name already and started nothing new.
                if (response.StatusCode == System.Net.HttpStatusCode.OK && await FinishedAsync(http, corpusId, ct) is { } known)
                {
                    onEvent(known);
                    return known;
                }
            }
            finally
            {
                foreach (var file in files) await file.DisposeAsync();
            }
        }

        await foreach (var (type, data) in ServerSentEvents.ReadAsync(stream, ct))
        {
            switch (type)
            {
                case nameof(CorpusShardIngested):
                    onEvent(JsonSerializer.Deserialize<CorpusShardIngested>(data, Json)!);
                    break;
                case nameof(CorpusIngested):
                    var done = JsonSerializer.Deserialize<CorpusIngested>(data, Json)!;
                    onEvent(done);
                    return done;
                case nameof(CorpusIngestionFailed):
                    var failed = JsonSerializer.Deserialize<CorpusIngestionFailed>(data, Json)!;
                    throw IngestionFailures.Of(failed.Name, failed.Step, failed.Reason);
            }
        }
        throw new InvalidOperationException("The gateway closed the event stream before the corpus was ingested");
    }

    /// <summary>The outcome of a corpus the gateway shows as ingested, or null while it is still on its way (its
    /// events then come on the stream opened before the upload); a failed corpus throws.</summary>
    private static async Task<CorpusIngested?> FinishedAsync(HttpClient http, Guid corpusId, CancellationToken ct)
    {
        var corpus = await http.GetFromJsonAsync<JsonElement>($"/api/corpora/{corpusId}", Json, ct);
        switch (corpus.GetProperty("stage").GetString())
        {
            case "ingested":
                return new CorpusIngested
                {
                    CorpusId = corpusId,
                    Name = corpus.GetProperty("name").GetString()!,
                    ShardCount = corpus.GetProperty("shardCount").GetInt32(),
                    Read = corpus.GetProperty("read").GetInt64(),
                    Accepted = corpus.GetProperty("accepted").GetInt64(),
                    Rejected = corpus.GetProperty("rejected").GetInt64(),
                    RejectedByReason = corpus.GetProperty("rejectedByReason").Deserialize<Dictionary<string, long>>(Json)!,
                    Languages = corpus.GetProperty("languages").Deserialize<Dictionary<string, long>>(Json)!,
                    InvalidUtf8Replaced = corpus.GetProperty("invalidUtf8Replaced").GetInt64(),
                };
            case "failed":
                throw IngestionFailures.Of(corpus.GetProperty("name").GetString()!,
                    corpus.TryGetProperty("failedStep", out var step) ? step.GetString() : null, corpus.GetProperty("error").GetString());
            default:
                return null;
        }
    }
}
