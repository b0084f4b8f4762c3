using System.Text.Json;

namespace Refinery.Host.Curation;

/// <summary>The duplicate facts a recipe's duplicate(…) conditions read, from `refinery dedup` outputs
/// (<c>{"id", "cluster_id", "keep", "kind"?}</c> per clustered document): a document is a removable duplicate when it is
/// in a cluster and not kept; an exact one when its kind is also "exact".</summary>
public sealed class DuplicateSets
{
    private readonly Dictionary<double, HashSet<string>> _fuzzy = [];
    private HashSet<string>? _any;
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private bool _hasKinds;

    /// <summary>Loads <c>[T=]FILE</c> arguments: a file with a threshold serves that threshold, one without serves every threshold.</summary>
    public static DuplicateSets Load(IEnumerable<string> arguments)
    {
        var sets = new DuplicateSets();
        foreach (var argument in arguments)
        {
            var equals = argument.IndexOf('=');
            double? threshold = equals > 0 && double.TryParse(argument[..equals], System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : null;
            var path = threshold is null ? argument : argument[(equals + 1)..];
            var removable = new HashSet<string>(StringComparer.Ordinal);
            var number = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                try
                {
                    using var json = JsonDocument.Parse(line);
                    var root = json.RootElement;
                    var id = root.GetProperty("id").GetString()!;
                    var keep = root.GetProperty("keep").GetBoolean();
                    if (!keep) removable.Add(id);
                    if (root.TryGetProperty("kind", out var kind))
                    {
                        sets._hasKinds = true;
                        if (!keep && kind.GetString() == "exact") sets._exact.Add(id);
                    }
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new InvalidDataException($"{path}:{number}: not a `refinery dedup` line with id and keep ({ex.Message})", ex);
                }
            }
            if (threshold is { } at) sets._fuzzy[at] = removable;
            else sets._any = removable;
        }
        return sets;
    }

    /// <summary>Why the sets cannot answer what the recipe asks, or null.</summary>
    public string? Problem(IEnumerable<double> thresholds, bool exact)
    {
        var missing = thresholds.Where(t => !_fuzzy.ContainsKey(t) && _any is null).ToList();
        if (missing.Count > 0)
            return $"the recipe uses duplicate(fuzzy, {string.Join("/", missing)}): give --clusters FILE (or T=FILE) from `refinery dedup`";
        if (exact && !_hasKinds) return "the recipe uses duplicate(exact): give --clusters from `refinery dedup --exact` (its lines carry kind)";
        return null;
    }

    public bool IsFuzzyDuplicate(string id, double threshold) => (_fuzzy.GetValueOrDefault(threshold) ?? _any)?.Contains(id) == true;

    public bool IsExactDuplicate(string id) => _exact.Contains(id);
}
