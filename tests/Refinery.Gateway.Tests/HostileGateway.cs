using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Gateway.Data;
using Refinery.Storage;

namespace Refinery.Gateway.Tests;

/// <summary>Keys configured, a write limit no hostile-value run reaches, one raw object to name as a source, one
/// finished dataset version to mix and the corpora the dedup and version bodies name.</summary>
public sealed class HostileGateway : GatewayTestHost
{
    public const string SourceKey = "raw/hostile/a.jsonl";
    public const string BaseDataset = "base";
    public const string BaseVersion = "0123456789ab";

    /// <summary>Corpora known before any test: "hostile" (the dedup route's), "web" (the version route's), "marker"
    /// (the valid writes of <see cref="RefusedWriteTests"/>).</summary>
    public static readonly string[] KnownCorpora = ["hostile", "web", "marker"];

    private static int _names;

    private Task? _prepared;

    /// <summary>A corpus name no other request of this run submitted: a name is claimed by its content, so a submission
    /// reusing one with other content is a 409, whatever field was under test.</summary>
    public static string FreshCorpusName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _names)}";

    protected override Dictionary<string, string?> Configuration()
    {
        var config = base.Configuration();
        config["Refinery:Gateway:WritesPerMinute"] = "1000000";
        config["Refinery:Gateway:MaxUploadBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return config;
    }

    /// <summary>The source object and the finished version the valid bodies name, made once.</summary>
    public Task PreparedAsync() => _prepared ??= PrepareAsync();

    private async Task PrepareAsync()
    {
        await Store.PutAsync(SourceKey, new MemoryStream("{\"text\":\"hello\"}\n"u8.ToArray()));
        await AnnounceVersionAsync(BaseDataset, BaseVersion, 1_000_000);
        // A dedup or version must name a corpus the gateway saw submitted: the ones the valid bodies and URLs name.
        foreach (var corpus in KnownCorpora) await KnownCorpusAsync(corpus);
        // The announcement's other consumers may still be writing; a refusal's check needs the rows to be still.
        var (rows, still) = (await RecordedRowsAsync(), 0);
        for (var i = 0; i < 100 && still < 5; i++)
        {
            await Task.Delay(50);
            var now = await RecordedRowsAsync();
            (rows, still) = (now, now == rows ? still + 1 : 0);
        }
    }

    /// <summary>Rows of every table a write records before sending its command: unchanged after a refusal.</summary>
    public async Task<(int, int, int, int, int)> RecordedRowsAsync()
    {
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        return (await db.Corpora.CountAsync(), await db.Dedups.CountAsync(), await db.DatasetRequests.CountAsync(), await db.Jobs.CountAsync(),
            await db.TrainingJobs.CountAsync());
    }

    /// <summary>Posts <paramref name="content"/> with the writer key and says what is wrong with the answer (null when
    /// nothing): a 5xx, a 4xx without problem details, a 400 whose errors do not name <paramref name="field"/> (a 4xx
    /// not about one field must have a detail), or a refusal that recorded something. With <paramref name="wholeRequestWillDo"/>
    /// <paramref name="mustRefuse"/>, a 2xx is wrong too. With <paramref name="wholeRequestWillDo"/>
    /// a refusal of the request as a whole (a detail, or errors of "$") is also right: a multipart header that does not
    /// parse names no part.</summary>
    public async Task<string?> ProblemWithAnswerAsync(string url, HttpContent content, string? field, bool mustRefuse = false,
        bool wholeRequestWillDo = false)
    {
        var before = await RecordedRowsAsync();
        using var response = await Client(WriterKey).PostAsync(url, content);
        var status = (int)response.StatusCode;
        if (status >= 500) return $"{status}: {await response.Content.ReadAsStringAsync()}";
        if (status < 400) return mustRefuse ? $"{status}: accepted a value it must refuse" : null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"{status} with content type '{response.Content.Headers.ContentType}' instead of problem details";
        var problem = await JsonSerializer.DeserializeAsync<JsonElement>(await response.Content.ReadAsStreamAsync());
        if (await RecordedRowsAsync() != before) return $"{status}, but a row was recorded";
        if (problem.TryGetProperty("errors", out var errors))
        {
            var keys = errors.EnumerateObject().Select(e => e.Name).ToList();
            return field is null || keys.Any(k => Names(k, field) || (wholeRequestWillDo && k == "$")) ? null : $"{status} naming [{string.Join(", ", keys)}], not {field}";
        }
        return (field is null || wholeRequestWillDo) && problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 }
            ? null
            : $"{status} without errors naming {field ?? "a field"} or a detail: {problem}";
    }

    /// <summary>An error key names a field when it is the field or inside it ("sources[0].key" for "sources").</summary>
    private static bool Names(string key, string field) =>
        key == field || key.StartsWith(field + ".", StringComparison.Ordinal) || key.StartsWith(field + "[", StringComparison.Ordinal);

    public static StringContent JsonBody(string body) => new(body, System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
