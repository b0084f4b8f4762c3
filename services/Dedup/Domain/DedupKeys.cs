namespace Refinery.Dedup.Domain;

/// <summary>Object keys the dedup service owns (DESIGN §6), deterministic in corpus, configuration and partition.</summary>
public static class DedupKeys
{
    public static string Edges(string corpus, string config, int partition) => $"dedup/{corpus}/{config}/edges/{partition:D5}.bin";

    public static string SignalsPrefix(string corpus) => $"signals/{corpus}/";

    public static string DocsPrefix(string corpus) => $"docs/{corpus}/";
}
