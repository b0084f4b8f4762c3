namespace Refinery.Curation.Pipeline;

/// <summary>A written file of a dataset version: its path under the version, checksum, size and what it holds.</summary>
public sealed record PartFile(string Path, string Sha256, long Bytes, long Documents, long Tokens);

/// <summary>What one part of a dataset version read, removed and wrote; parts add up to the version's manifest.</summary>
public sealed class PartStats
{
    public string Corpus { get; set; } = "";
    public string Shard { get; set; } = "";
    public long Documents { get; set; }
    public long Kept { get; set; }
    public long Emptied { get; set; }
    public long[] RemovedDocuments { get; set; } = [];
    public long[] RemovedLines { get; set; } = [];
    /// <summary>language → [documents in, documents kept].</summary>
    public Dictionary<string, long[]> Languages { get; set; } = [];
    public long Tokens { get; set; }
    public long ValidationTokens { get; set; }
    public long ValidationDocuments { get; set; }
    /// <summary>signal → [before, after] bin counts (<see cref="Histograms"/>; the last bin counts nulls).</summary>
    public Dictionary<string, long[][]> Histograms { get; set; } = [];
    public List<PartFile> Files { get; set; } = [];

    public static PartStats Sum(IEnumerable<PartStats> parts, int rules)
    {
        var total = new PartStats { RemovedDocuments = new long[rules], RemovedLines = new long[rules] };
        foreach (var part in parts)
        {
            total.Documents += part.Documents;
            total.Kept += part.Kept;
            total.Emptied += part.Emptied;
            total.Tokens += part.Tokens;
            total.ValidationTokens += part.ValidationTokens;
            total.ValidationDocuments += part.ValidationDocuments;
            for (var r = 0; r < rules; r++)
            {
                total.RemovedDocuments[r] += part.RemovedDocuments[r];
                total.RemovedLines[r] += part.RemovedLines[r];
            }
            foreach (var (language, counts) in part.Languages)
            {
                if (!total.Languages.TryGetValue(language, out var sum)) total.Languages[language] = sum = new long[2];
                sum[0] += counts[0];
                sum[1] += counts[1];
            }
            foreach (var (signal, bins) in part.Histograms)
            {
                if (!total.Histograms.TryGetValue(signal, out var sum))
                    total.Histograms[signal] = sum = [new long[bins[0].Length], new long[bins[1].Length]];
                for (var i = 0; i < 2; i++)
                    for (var b = 0; b < bins[i].Length; b++) sum[i][b] += bins[i][b];
            }
            total.Files.AddRange(part.Files);
        }
        return total;
    }
}
