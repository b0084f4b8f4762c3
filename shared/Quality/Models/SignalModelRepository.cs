using Refinery.Contracts;
using Refinery.Contracts.Models;
using Refinery.Storage;

namespace Refinery.Quality.Models;

/// <summary>Where model files live: <see cref="ModelKeys.SignalModel"/> in the object store or, for offline CLI use,
/// under a local folder with the same relative layout.</summary>
public static class SignalModelRepository
{
    public static string Key(ModelHeader header) => ModelKeys.SignalModel(header.Name, header.Version, header.Kind, header.Language);

    public static async Task<ObjectRef> SaveAsync(IObjectStore store, SignalModel model, CancellationToken ct = default)
    {
        using var content = new MemoryStream(SignalModelFile.ToBytes(model), writable: false);
        return await store.PutAsync(Key(model.Header), content, ct);
    }

    public static async Task<SignalModel> LoadAsync(IObjectStore store, string key, CancellationToken ct = default)
    {
        await using var stream = await store.OpenReadAsync(key, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return SignalModelFile.FromBytes(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>The newest version of every (kind, name, language) under <see cref="ModelKeys.SignalsPrefix"/>.</summary>
    public static async Task<IReadOnlyList<SignalModel>> LoadLatestAsync(IObjectStore store, CancellationToken ct = default)
    {
        var models = new List<SignalModel>();
        await foreach (var info in store.ListAsync(ModelKeys.SignalsPrefix, ct))
            if (info.Key.EndsWith(SignalModelFile.Extension, StringComparison.Ordinal))
                models.Add(await LoadAsync(store, info.Key, ct));
        return Latest(models);
    }

    /// <summary>Writes the model under <paramref name="directory"/>; returns the file's path.</summary>
    public static string SaveToDirectory(string directory, SignalModel model)
    {
        var path = Path.Combine(directory, Key(model.Header));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, SignalModelFile.ToBytes(model));
        File.Move(temp, path, overwrite: true);
        return path;
    }

    public static SignalModel LoadFile(string path) => SignalModelFile.FromBytes(File.ReadAllBytes(path));

    /// <summary>The newest version of every (kind, name, language) found under <paramref name="directory"/>.</summary>
    public static IReadOnlyList<SignalModel> LoadLatestFromDirectory(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        var files = Directory.EnumerateFiles(directory, "*" + SignalModelFile.Extension, SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal);
        return Latest(files.Select(LoadFile).ToList());
    }

    // Newest by created-at, then by version so the choice never depends on listing order.
    private static List<SignalModel> Latest(List<SignalModel> models) =>
        models.GroupBy(m => (m.Header.Kind, m.Header.Name, m.Header.Language))
            .Select(g => g.OrderByDescending(m => m.Header.CreatedAt, StringComparer.Ordinal)
                .ThenByDescending(m => m.Header.Version, StringComparer.Ordinal).First())
            .OrderBy(m => m.Header.Kind, StringComparer.Ordinal).ThenBy(m => m.Header.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Header.Language, StringComparer.Ordinal)
            .ToList();
}
