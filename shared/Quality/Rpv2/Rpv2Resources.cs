namespace Refinery.Quality.Rpv2;

/// <summary>The word lists the RPv2 signals read, per language code (en, de, …), and the optional UT1 domain map.
/// <see cref="Versions"/> names each list's source and version, recorded with every signal shard.</summary>
public sealed class Rpv2Resources
{
    public required IReadOnlyDictionary<string, IReadOnlySet<string>> StopWords { get; init; }

    /// <summary>LDNOOBW entries per language, each already `line.strip()`-ed as RPv2 does.</summary>
    public required IReadOnlyDictionary<string, IReadOnlySet<string>> BadWords { get; init; }

    /// <summary>Domain (URL netloc, as is) → UT1 category-combination id; null when no domain list is configured.</summary>
    public IReadOnlyDictionary<string, int>? Ut1Domains { get; init; }

    public required IReadOnlyDictionary<string, string> Versions { get; init; }

    /// <summary>The same lists plus a UT1 domain map, recorded under "ut1" with <paramref name="version"/>.</summary>
    public Rpv2Resources WithUt1Domains(IReadOnlyDictionary<string, int> domains, string version) => new()
    {
        StopWords = StopWords,
        BadWords = BadWords,
        Ut1Domains = domains,
        Versions = new Dictionary<string, string>(Versions) { ["ut1"] = version },
    };

    public static readonly Rpv2Resources Empty = new()
    {
        StopWords = new Dictionary<string, IReadOnlySet<string>>(),
        BadWords = new Dictionary<string, IReadOnlySet<string>>(),
        Versions = new Dictionary<string, string>(),
    };
}
