using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Refinery.Host.Bench;

/// <summary>Where a benchmark corpus's documents come from: each call gives one document's lines, drawn with the
/// caller's seeded random source so every run measures the same bytes.</summary>
public abstract class BenchText
{
    /// <summary>Part of the generated files' names, so corpora from different sources never share a cache entry.</summary>
    public abstract string Name { get; }

    public abstract IReadOnlyList<string> NextDocument(Random random);

    /// <summary>Real web pages when the handbook's data folder is at hand (<paramref name="webDataDir"/>, or found above
    /// the working and program folders); otherwise the demo's prose sources, with a warning that lengths and line
    /// structure are then book-like.</summary>
    public static async Task<BenchText> OpenAsync(string? webDataDir, Func<Task<IReadOnlyList<string>>> proseFiles,
        Action<string> log, CancellationToken ct)
    {
        var dir = webDataDir ?? WebMosaic.FindDataDir();
        if (dir is not null) return await WebMosaic.LoadAsync(dir, ct);
        log("warning: no web data folder (--web-data, or shared/data above this folder); the corpus is the demo's prose, " +
            "whose documents are longer and more regular than web pages");
        return await ProseParagraphs.LoadAsync(await proseFiles(), ct);
    }

    internal static async IAsyncEnumerable<string> ReadTextsAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        await using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } value) yield return value;
        }
    }
}

/// <summary>Web-like documents built from real pages: a length drawn from the real pages' lengths (mean about 3.3 KB,
/// median about 1.3 KB, a long tail), filled with runs of consecutive lines from random pages. Runs keep the pages'
/// line structure (short navigation lines, bullets, long paragraphs); mixing pages keeps documents from being copies of
/// each other, so deduplication sees a realistic, low duplicate rate. One run in ten comes from the golden signal
/// documents, whose Unicode-heavy edge cases exercise the slow paths of normalisation.</summary>
public sealed class WebMosaic : BenchText
{
    private static readonly string[] WebFiles =
    [
        "web/dev_dolma_cc_licensed_pages.jsonl.gz", "web/dev_dclm_quality_labeled.jsonl",
        "web/dev_dolma_ccnet_head_en.jsonl", "web/dev_dolma_boilerplate_pages.jsonl",
    ];
    private const string GoldenFile = "golden/signals_dev_docs.jsonl.gz";
    private const int MaxDocumentBytes = 100_000;

    private readonly string[][] _web;
    private readonly string[][] _golden;
    private readonly int[] _lengths;

    private WebMosaic(string[][] web, string[][] golden)
    {
        _web = web;
        _golden = golden;
        _lengths = web.Select(lines => Math.Min(MaxDocumentBytes, Encoding.UTF8.GetByteCount(string.Join('\n', lines)))).ToArray();
    }

    public override string Name => "web";

    /// <summary>The handbook's data folder (with web/ and golden/): REFINERY_SHARED_DATA, as the tests use it, or a
    /// shared/data folder above the working folder or the program's folder.</summary>
    public static string? FindDataDir()
    {
        if (Environment.GetEnvironmentVariable("REFINERY_SHARED_DATA") is { Length: > 0 } configured) return configured;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (File.Exists(Path.Combine(candidate, WebFiles[0])) && File.Exists(Path.Combine(candidate, GoldenFile))) return candidate;
            }
        return null;
    }

    public static async Task<WebMosaic> LoadAsync(string dataDir, CancellationToken ct)
    {
        var web = new List<string[]>();
        foreach (var file in WebFiles)
        {
            var path = Path.Combine(dataDir, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"The web benchmark corpus needs {path}", path);
            await foreach (var text in ReadTextsAsync(path, ct)) web.Add(text.Split('\n'));
        }
        var golden = new List<string[]>();
        await foreach (var text in ReadTextsAsync(Path.Combine(dataDir, GoldenFile), ct)) golden.Add(text.Split('\n'));
        return new WebMosaic([.. web], [.. golden]);
    }

    public override IReadOnlyList<string> NextDocument(Random random)
    {
        var target = _lengths[random.Next(_lengths.Length)];
        var lines = new List<string>();
        var bytes = 0;
        while (bytes < target)
        {
            var source = random.Next(10) == 0 ? _golden[random.Next(_golden.Length)] : _web[random.Next(_web.Length)];
            var start = random.Next(source.Length);
            var end = Math.Min(source.Length, start + random.Next(4, 21));
            for (var i = start; i < end && bytes < target; i++)
            {
                lines.Add(source[i]);
                bytes += Encoding.UTF8.GetByteCount(source[i]) + 1;
            }
        }
        return lines;
    }
}

/// <summary>The fallback: documents of 3–25 random paragraphs of the demo's prose sources.</summary>
public sealed class ProseParagraphs : BenchText
{
    private readonly List<string> _paragraphs;

    private ProseParagraphs(List<string> paragraphs) => _paragraphs = paragraphs;

    public override string Name => "prose";

    public static async Task<ProseParagraphs> LoadAsync(IReadOnlyList<string> files, CancellationToken ct)
    {
        var paragraphs = new List<string>();
        foreach (var file in files)
            await foreach (var text in ReadTextsAsync(file, ct))
                foreach (var p in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    if (p.Length >= 40) paragraphs.Add(p);
        if (paragraphs.Count < 100) throw new InvalidOperationException("Too little sample text to generate a benchmark corpus");
        return new ProseParagraphs(paragraphs);
    }

    public override IReadOnlyList<string> NextDocument(Random random)
    {
        var count = random.Next(3, 26);
        var lines = new string[count];
        for (var i = 0; i < count; i++) lines[i] = _paragraphs[random.Next(_paragraphs.Count)];
        return lines;
    }
}
