using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Options;

namespace Refinery.Gateway.Apis;

/// <summary>What one source holds: its key, a version of its bytes (their SHA-256, or when the store knows none, the
/// object's last-modified time) and its length.</summary>
internal sealed record SourceContent(string Key, string Version, long Length);

/// <summary>The content fingerprint of a submission: SHA-256 over its sources (key, format, content version, length;
/// sorted by key, so the order of the files does not matter) and its reader settings. Two submissions under one name
/// are the same exactly when their fingerprints are equal. Every value is free of tabs and newlines (keys and field
/// names refuse control characters), so the text hashed is unambiguous.</summary>
internal static class SubmissionFingerprint
{
    private const string Version = "refinery-corpus-fingerprint-v1";

    public static string Of(CorpusSubmission submission)
    {
        var s = submission.Settings;
        var text = new StringBuilder(Version).Append('\n')
            .Append("settings\t").Append(s.TextField).Append('\t').Append(s.IdField).Append('\t').Append(s.UrlField).Append('\t')
            .Append(s.ShardDocuments.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(s.DetectLanguage ? "true" : "false").Append('\n');
        var sources = submission.Sources.Zip(submission.Contents, (source, content) => (source, content))
            .OrderBy(p => p.source.Key, StringComparer.Ordinal);
        foreach (var (source, content) in sources)
        {
            text.Append("source\t").Append(source.Key).Append('\t')
                .Append(source.Format is { } format ? OptionValues<SourceFormat>.NameOf(format) : "detect").Append('\t')
                .Append(content.Version).Append('\t').Append(content.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
