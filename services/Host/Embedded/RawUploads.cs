using Refinery.Contracts.Ingestion;
using Refinery.Storage;

namespace Refinery.Host.Embedded;

/// <summary>Puts local files into a corpus's raw area, named by their file names.</summary>
public static class RawUploads
{
    public static async Task<IReadOnlyList<SourceRef>> UploadAsync(IObjectStore store, string corpus,
        IReadOnlyList<string> paths, CancellationToken ct)
    {
        var sources = new List<SourceRef>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in ExpandDirectories(paths))
        {
            var name = Path.GetFileName(path);
            // Two inputs with one file name (a/x.jsonl, b/x.jsonl) must not overwrite each other.
            for (var i = 2; !names.Add(name); i++) name = $"{i}-{Path.GetFileName(path)}";
            var key = IngestionKeys.Raw(corpus, name);
            ObjectKey.Validate(key);
            await using var file = File.OpenRead(path);
            await store.PutAsync(key, file, ct);
            sources.Add(new SourceRef { Key = key });
        }
        return sources;
    }

    /// <summary>Files as given, and the files of folders (recursively, in ordinal order); a missing path throws naming it.</summary>
    public static IEnumerable<string> ExpandDirectories(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    yield return file;
            }
            else if (File.Exists(path)) yield return path;
            else throw new FileNotFoundException($"Input '{path}' does not exist", path);
        }
    }
}
