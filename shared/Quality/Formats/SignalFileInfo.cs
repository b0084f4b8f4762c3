using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Formats;

/// <summary>What a signal file records about how it was made, stored as Parquet key/value metadata:
/// the configuration tag its key is named by, the version of every resource the signals read, the signal set,
/// and the names of any extra document-level (model) signals it carries after the RPv2 ones.</summary>
public sealed record SignalFileInfo
{
    public const int FormatVersion = 1;

    public required string Config { get; init; }
    public IReadOnlyDictionary<string, string> Resources { get; init; } = new Dictionary<string, string>();
    public string SignalSet { get; init; } = CurrentSignalSet;
    public IReadOnlyList<string> ExtraSignals { get; init; } = [];

    /// <summary>"rpv2-" and a hash of the catalog's names, levels and types: it changes by itself when the
    /// catalog does, so a reader can tell files of another signal set apart without a hand-kept number.</summary>
    public static readonly string CurrentSignalSet = ComputeSignalSet();

    internal static class Keys
    {
        public const string Format = "refinery.signals.format";
        public const string Config = "refinery.signals.config";
        public const string SignalSet = "refinery.signals.signal_set";
        public const string Resources = "refinery.signals.resources";
        public const string ExtraSignals = "refinery.signals.extra";
    }

    internal Dictionary<string, string> ToMetadata() => new()
    {
        [Keys.Format] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [Keys.Config] = Config,
        [Keys.SignalSet] = SignalSet,
        // Sorted, so the same resources always give the same bytes.
        [Keys.Resources] = JsonSerializer.Serialize(new SortedDictionary<string, string>(
            Resources.ToDictionary(r => r.Key, r => r.Value), StringComparer.Ordinal)),
        [Keys.ExtraSignals] = JsonSerializer.Serialize(ExtraSignals),
    };

    internal static SignalFileInfo FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        string Get(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"Not a Refinery signal file: metadata '{key}' is missing");
        if (Get(Keys.Format) != FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            throw new InvalidDataException($"Signal file format {Get(Keys.Format)} is not supported (expected {FormatVersion})");
        return new SignalFileInfo
        {
            Config = Get(Keys.Config),
            SignalSet = Get(Keys.SignalSet),
            Resources = JsonSerializer.Deserialize<Dictionary<string, string>>(Get(Keys.Resources)) ?? [],
            ExtraSignals = JsonSerializer.Deserialize<string[]>(Get(Keys.ExtraSignals)) ?? [],
        };
    }

    private static string ComputeSignalSet()
    {
        var text = string.Join('\n', Rpv2Catalog.All.Select(s => $"{s.Name}:{s.Level}:{s.Type}"));
        return "rpv2-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }
}
