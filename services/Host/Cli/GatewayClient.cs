using System.Net.Http.Headers;
using System.Text.Json;
using Refinery.Contracts.Ingestion;

namespace Refinery.Host.Cli;

/// <summary>The client side of the gateway for CLI verbs: uploads a corpus, then follows /api/events until it
/// is ingested. The event stream is opened first so the outcome cannot be missed.</summary>
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
                    throw new InvalidOperationException($"Ingestion of '{failed.Name}' failed: {failed.Reason}");
            }
        }
        throw new InvalidOperationException("The gateway closed the event stream before the corpus was ingested");
    }
}
