using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Refinery.Host.Demo;

/// <summary>Sets a tenth of the prose documents (the speeches and the novel's chapters), chosen by a hash of their id,
/// aside before ingestion, so no dataset version holds them and the models the demo trains on each version are compared
/// on text none of them saw.</summary>
public static class HeldOutSplit
{
    private static readonly string[] ProseSources = ["sotu", "moby-dick"];

    /// <summary>Whether a document of a prose source is held out: the first byte of the sha256 of its id, modulo 10, is 0.</summary>
    public static bool IsHeldOut(string id) => SHA256.HashData(Encoding.UTF8.GetBytes(id))[0] % 10 == 0;

    /// <summary>Writes the prose sources without their held-out documents under <paramref name="folder"/> and returns
    /// the sources to ingest (the others unchanged) and the held-out texts, in source and line order.</summary>
    public static (IReadOnlyList<string> Paths, IReadOnlyList<string> HeldOut) Apply(IReadOnlyList<SampleSource> sources, string folder)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        var heldOut = new List<string>();
        foreach (var source in sources)
        {
            if (!ProseSources.Contains(source.Name))
            {
                paths.Add(source.Path);
                continue;
            }
            var kept = Path.Combine(folder, Path.GetFileName(source.Path));
            using (var writer = new StreamWriter(kept, append: false, new UTF8Encoding(false)))
                foreach (var line in File.ReadLines(source.Path))
                {
                    using var document = JsonDocument.Parse(line);
                    if (IsHeldOut(document.RootElement.GetProperty("id").GetString()!)) heldOut.Add(document.RootElement.GetProperty("text").GetString()!);
                    else writer.Write(line + "\n");
                }
            paths.Add(kept);
        }
        return (paths, heldOut);
    }
}
