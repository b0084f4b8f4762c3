using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Domain;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Curation.Pipeline;

/// <summary>A dataset version's manifest, read and checked: the manifest against the reference the event gave, and
/// every file it lists against its sha256 and size, so a damaged or half-written version is detected before use.</summary>
public static class ManifestReader
{
    public sealed record VerifiedManifest(JsonElement Root, string Prefix, IReadOnlyList<PartFile> Files);

    public static async Task<VerifiedManifest> ReadVerifiedAsync(IObjectStore store, ObjectRef manifest, CancellationToken ct)
    {
        using var bytes = await store.ReadVerifiedAsync(manifest, ct);
        var root = JsonDocument.Parse(bytes.ToArray()).RootElement.Clone();
        var prefix = DatasetKeys.Root(root.GetProperty("name").GetString()!, root.GetProperty("version").GetString()!);
        var files = root.GetProperty("files").EnumerateArray().Select(f => new PartFile(f.GetProperty("path").GetString()!,
            f.GetProperty("sha256").GetString()!, f.GetProperty("bytes").GetInt64(), f.GetProperty("documents").GetInt64(),
            f.GetProperty("tokens").GetInt64())).ToList();
        foreach (var file in files)
        {
            if (file.Path.Contains("..", StringComparison.Ordinal) || file.Path.StartsWith('/'))
                throw new InvalidDataException($"{manifest.Key} lists a file outside its version: {file.Path}");
            using var _ = await store.ReadVerifiedAsync(new ObjectRef { Bucket = store.Bucket, Key = prefix + file.Path, Sha256 = file.Sha256, Length = file.Bytes }, ct);
        }
        return new VerifiedManifest(root, prefix, files);
    }
}
