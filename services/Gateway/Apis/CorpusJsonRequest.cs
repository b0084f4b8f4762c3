using System.Text.Json;
using System.Text.Json.Serialization;
using Refinery.Contracts.Ingestion;
using Refinery.Storage;

namespace Refinery.Gateway.Apis;

/// <summary>Body of POST /api/corpora as JSON: a corpus made of objects already in the store.</summary>
public sealed record CreateCorpusRequest
{
    /// <summary>Corpus name: lower-case letters, digits, '.', '_' or '-'; at most 64 characters.</summary>
    public string? Name { get; init; }
    /// <summary>Raw objects to ingest; each must exist.</summary>
    public List<SourceRefRequest?>? Sources { get; init; }
    public CorpusSettingsRequest? Settings { get; init; }
}

/// <summary>One source: an object key and optionally its format (jsonl, parquet, warc, wet, text).</summary>
public sealed record SourceRefRequest
{
    public string? Key { get; init; }
    public string? Format { get; init; }
}

/// <summary>Reader settings; absent members take the defaults (text, id, url, 10000, true).</summary>
public sealed record CorpusSettingsRequest
{
    public string? TextField { get; init; }
    public string? IdField { get; init; }
    public string? UrlField { get; init; }
    public int? ShardDocuments { get; init; }
    public bool? DetectLanguage { get; init; }
}

/// <summary>Reads and validates the JSON form of a submission; every error names its field.</summary>
internal static class CorpusJsonRequest
{
    public const int MaxSources = 10_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // A misspelt member ("setings") is an error, not silently a default.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static async Task<SubmissionRead> ReadAsync(Stream body, IObjectStore store, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        CreateCorpusRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<CreateCorpusRequest>(body, Json, ct);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "$";
            return SubmissionRead.Invalid(errors.Add(field, $"the body is not a valid corpus request: {ex.Message}"));
        }
        if (request is null) return SubmissionRead.Invalid(errors.Add("$", "the body is empty (null)"));

        if (CorpusNames.Problem(request.Name) is { } nameProblem) errors.Add("name", nameProblem);

        var sources = new List<SourceRef>();
        var contents = new List<SourceContent>();
        if (request.Sources is null || request.Sources.Count == 0)
            errors.Add("sources", "sources must list at least one object key");
        else if (request.Sources.Count > MaxSources)
            errors.Add("sources", $"sources may list at most {MaxSources} objects");
        else
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < request.Sources.Count; i++)
            {
                var source = request.Sources[i];
                var field = $"sources[{i}].key";
                if (source is null)
                {
                    errors.Add($"sources[{i}]", "a source must be an object with a key");
                    continue;
                }
                var format = SubmissionSettings.Format(source.Format, $"sources[{i}].format", errors);
                if (ObjectKey.Problem(source.Key) is { } keyProblem)
                {
                    errors.Add(field, keyProblem);
                    continue;
                }
                if (seen.TryGetValue(source.Key!, out var first))
                {
                    errors.Add(field, $"the key repeats sources[{first}].key");
                    continue;
                }
                seen[source.Key!] = i;
                if (await store.StatAsync(source.Key!, ct) is not { } info)
                {
                    errors.Add(field, $"no object with key '{source.Key}' exists in the store");
                    continue;
                }
                sources.Add(new SourceRef { Key = source.Key!, Format = format });
                // An object the store keeps no hash of (put by another S3 client) is known by its last change instead.
                contents.Add(new SourceContent(info.Key, info.Sha256 ?? $"modified:{info.LastModified.UtcTicks}", info.Length));
            }
        }

        var s = request.Settings;
        var settings = SubmissionSettings.Build(s?.TextField, s?.IdField, s?.UrlField,
            s?.ShardDocuments?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            s?.DetectLanguage is { } detect ? (detect ? "true" : "false") : null, "settings.", errors);

        return errors.Any
            ? SubmissionRead.Invalid(errors)
            : new SubmissionRead(new CorpusSubmission(request.Name!, sources, settings, contents));
    }
}
