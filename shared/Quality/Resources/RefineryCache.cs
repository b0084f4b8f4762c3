namespace Refinery.Quality.Resources;

/// <summary>Where Refinery keeps what it fetches (npm packages, sample corpora, word lists): never in the repository.</summary>
public static class RefineryCache
{
    /// <summary>`$XDG_CACHE_HOME/refinery`, else `~/.cache/refinery` (`%LOCALAPPDATA%\refinery` on Windows).</summary>
    public static string DefaultDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg))
            return Path.Combine(xdg, "refinery");
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "refinery");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache", "refinery");
    }

    /// <summary>The folder npm tarballs and their extracted trees go to.</summary>
    public static string NpmDirectory(string cacheDir) => Path.Combine(cacheDir, "npm");
}
