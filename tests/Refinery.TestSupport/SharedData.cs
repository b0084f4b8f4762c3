namespace Refinery.TestSupport;

/// <summary>Finds the handbook's data folder (../shared/data beside the repository) from a test's output folder.</summary>
public static class SharedData
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("REFINERY_SHARED_DATA") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data", "MANIFEST.md");
            if (File.Exists(candidate) && !File.Exists(System.IO.Path.Combine(dir.FullName, "Platform.sln")))
                return System.IO.Path.GetDirectoryName(candidate)!;
        }
        throw new DirectoryNotFoundException(
            "../shared/data (with MANIFEST.md) was not found above " + AppContext.BaseDirectory +
            "; set REFINERY_SHARED_DATA to its path.");
    }
}
