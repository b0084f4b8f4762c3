using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Domain;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Curation.Pipeline;

/// <summary>Reads a stored dataset version back: its manifest by name and version, with every file checked, and its
/// documents in part order.</summary>
public static class VersionReader
{
    /// <summary>"name@version" → the verified manifest; the manifest's own checksum is the store's, its files' are the manifest's.</summary>
    public static async Task<ManifestReader.VerifiedManifest> OpenAsync(IObjectStore store, string nameAtVersion, CancellationToken ct)
    {
        var at = nameAtVersion.IndexOf('@');
        if (at <= 0 || at == nameAtVersion.Length - 1) throw new ArgumentException($"'{nameAtVersion}' is not NAME@VERSION");
        var (name, version) = (nameAtVersion[..at], nameAtVersion[(at + 1)..]);
        if (Contracts.Ingestion.CorpusNames.Problem(name) is { } problem) throw new ArgumentException($"dataset name '{name}': {problem}");
        if (!version.All(char.IsAsciiHexDigitLower)) throw new ArgumentException($"version '{version}' is not a version (hex digits)");
        var key = DatasetKeys.Root(name, version) + DatasetKeys.Manifest;
        var info = await store.StatAsync(key, ct) ?? throw new ArgumentException($"no dataset version {nameAtVersion} ({key} does not exist)");
        return await ManifestReader.ReadVerifiedAsync(store, new ObjectRef { Bucket = store.Bucket, Key = key, Sha256 = info.Sha256!, Length = info.Length }, ct);
    }

    /// <summary>Every kept document ({id, text, url, language, corpus}) in part order.</summary>
    public static async IAsyncEnumerable<JsonElement> DocumentsAsync(IObjectStore store, ManifestReader.VerifiedManifest manifest,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var file in manifest.Files.Where(f => f.Path.StartsWith(DatasetKeys.DocumentsFolder, StringComparison.Ordinal)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            await using var raw = await store.OpenReadAsync(manifest.Prefix + file.Path, ct);
            await using var zstd = new DecompressionStream(raw);
            using var reader = new StreamReader(zstd, Encoding.UTF8);
            while (await reader.ReadLineAsync(ct) is { } line)
                if (line.Length > 0) yield return JsonDocument.Parse(line).RootElement.Clone();
        }
    }
}
