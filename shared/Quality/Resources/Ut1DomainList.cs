namespace Refinery.Quality.Resources;

/// <summary>The UT1 blacklist as RPv2 uses it for rps_doc_ut1_blacklist: a domain maps to the id of the combination of
/// the 13 configured categories it is listed under. Ids enumerate itertools.combinations of the sorted categories for
/// r = 1..13 in order, from 0 (8,191 ids). UT1 itself is not shipped: point this at an extracted UT1 tarball
/// (<c>{dir}/{category}/domains</c>) or at a file of <c>domain&lt;TAB&gt;category[,category…]</c> lines.</summary>
public static class Ut1DomainList
{
    /// <summary>RPv2's configured categories, sorted.</summary>
    public static readonly IReadOnlyList<string> Categories =
    [
        "adult", "agressif", "agressive", "arjel", "chat", "dating", "ddos", "filehosting", "gambling", "mixed_adult",
        "phishing", "porn", "violence",
    ];

    private static readonly Dictionary<string, int> CombinationIds = BuildCombinationIds();

    /// <summary>The id of a set of categories (any order), or null when one is not among <see cref="Categories"/>.</summary>
    public static int? IdOf(IEnumerable<string> categories)
    {
        var key = string.Join(',', categories.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return CombinationIds.TryGetValue(key, out var id) ? id : null;
    }

    /// <summary>Reads a UT1 directory or a tab-separated list; categories outside RPv2's 13 are ignored.</summary>
    /// <exception cref="InvalidDataException">A line of the list has no tab, naming the file and line.</exception>
    public static IReadOnlyDictionary<string, int> Load(string path)
    {
        var byDomain = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Add(string domain, string category)
        {
            if (domain.Length == 0 || !Categories.Contains(category)) return;
            (byDomain.TryGetValue(domain, out var set) ? set : byDomain[domain] = new SortedSet<string>(StringComparer.Ordinal)).Add(category);
        }

        if (Directory.Exists(path))
        {
            foreach (var category in Categories)
            {
                var file = Path.Combine(path, category, "domains");
                if (!File.Exists(file)) continue;
                foreach (var line in File.ReadLines(file)) Add(line.Trim(), category);
            }
        }
        else
        {
            var number = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                if (line.Length == 0 || line[0] == '#') continue;
                var tab = line.IndexOf('\t');
                if (tab < 0) throw new InvalidDataException($"{path}:{number}: expected 'domain<TAB>category[,category]'");
                foreach (var category in line[(tab + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    Add(line[..tab].Trim(), category);
            }
        }
        return byDomain.Where(p => p.Value.Count > 0).ToDictionary(p => p.Key, p => IdOf(p.Value)!.Value, StringComparer.Ordinal);
    }

    /// <summary>What is recorded as the list's version: its file or folder name and the number of domains.</summary>
    public static string Describe(string path, IReadOnlyDictionary<string, int> domains) =>
        $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(path))} ({domains.Count} domains)";

    private static Dictionary<string, int> BuildCombinationIds()
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var n = Categories.Count;
        for (var r = 1; r <= n; r++)
        {
            // Lexicographic combinations of indices, as itertools.combinations yields them.
            var pick = Enumerable.Range(0, r).ToArray();
            while (true)
            {
                ids[string.Join(',', pick.Select(i => Categories[i]))] = ids.Count;
                var k = r - 1;
                while (k >= 0 && pick[k] == n - r + k) k--;
                if (k < 0) break;
                pick[k]++;
                for (var j = k + 1; j < r; j++) pick[j] = pick[j - 1] + 1;
            }
        }
        return ids;
    }
}
