namespace Refinery.Ingestion.Tests.Readers;

/// <summary>Paths into the handbook's data folder (<c>&lt;repo&gt;/../shared/data</c>), found by walking up from the test
/// assembly; fails with a message naming what was looked for when it is missing.</summary>
internal static class SharedData
{
    /// <summary>A file under <c>shared/data/web</c>.</summary>
    public static string Web(params string[] parts)
    {
        var path = Refinery.TestSupport.SharedData.Path(["web", .. parts]);
        if (!File.Exists(path))
            throw new FileNotFoundException($"test data file '{path}' is missing from the shared data folder", path);
        return path;
    }
}
