using System.Globalization;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Names;
using Refinery.Contracts.Options;

namespace Refinery.Gateway.Apis;

/// <summary>A validated corpus submission, ready to become an <see cref="IngestCorpus"/> command.
/// <paramref name="Contents"/> says what each source holds (one per source, same order), for the fingerprint.</summary>
internal sealed record CorpusSubmission(string Name, IReadOnlyList<SourceRef> Sources, IngestSettings Settings,
    IReadOnlyList<SourceContent> Contents)
{
    public Guid Id => CorpusNames.IdOf(Name);

    /// <summary>What this submission asks to ingest, as one hash: equal for a resubmission of the same content.</summary>
    public string Fingerprint => SubmissionFingerprint.Of(this);

    public IngestCorpus ToCommand() => new() { CorpusId = Id, Name = Name, Sources = Sources, Settings = Settings };
}

/// <summary>Either a submission or the reason there is none: field errors (400) or a request-level problem.</summary>
internal sealed record SubmissionRead(CorpusSubmission? Submission, ValidationErrors? Errors = null, int? Status = null, string? Detail = null)
{
    public static SubmissionRead Invalid(ValidationErrors errors) => new(null, errors);
    public static SubmissionRead Problem(int status, string detail) => new(null, null, status, detail);
}

/// <summary>The reader settings a client may send (multipart fields or the JSON "settings" object), as text or
/// JSON values, validated into <see cref="IngestSettings"/> with errors naming each field.</summary>
internal static class SubmissionSettings
{
    public const int MaxShardDocuments = 1_000_000;

    /// <summary>Formats the ingestion readers understand; null or empty means detect from the file name.</summary>
    public static IReadOnlyList<string> Formats => OptionValues<SourceFormat>.Names;

    public static IngestSettings Build(string? textField, string? idField, string? urlField, string? shardDocuments,
        string? detectLanguage, string prefix, ValidationErrors errors)
    {
        var defaults = new IngestSettings();
        var shard = defaults.ShardDocuments;
        if (shardDocuments is not null)
        {
            if (!int.TryParse(shardDocuments, NumberStyles.Integer, CultureInfo.InvariantCulture, out shard) ||
                shard < 1 || shard > MaxShardDocuments)
            {
                errors.Add(prefix + "shardDocuments", $"shardDocuments must be a whole number from 1 to {MaxShardDocuments}");
            }
        }
        var detect = defaults.DetectLanguage;
        if (detectLanguage is not null && !TryParseBool(detectLanguage, out detect))
            errors.Add(prefix + "detectLanguage", "detectLanguage must be true or false");
        return new IngestSettings
        {
            TextField = FieldName(textField, defaults.TextField, prefix + "textField", errors),
            IdField = FieldName(idField, defaults.IdField, prefix + "idField", errors),
            UrlField = FieldName(urlField, defaults.UrlField, prefix + "urlField", errors),
            ShardDocuments = shard,
            DetectLanguage = detect,
        };
    }

    /// <summary>The normalized format, or null (detect); adds an error naming <paramref name="field"/> when unknown.</summary>
    public static SourceFormat? Format(string? format, string field, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(format)) return null;
        if (OptionValues<SourceFormat>.TryParse(format.Trim().ToLowerInvariant(), out var known)) return known;
        errors.Add(field, $"format must be one of {string.Join(", ", Formats)} (or absent to detect it from the file name)");
        return null;
    }

    private static string FieldName(string? value, string fallback, string field, ValidationErrors errors)
    {
        if (value is null) return fallback;
        if ((NameRules.DocumentField with { What = field[(field.LastIndexOf('.') + 1)..] }).Problem(value) is { } problem)
        {
            errors.Add(field, problem);
            return fallback;
        }
        return value;
    }

    private static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "on" or "yes": value = true; return true;
            case "false" or "0" or "off" or "no": value = false; return true;
            default: value = false; return false;
        }
    }
}
