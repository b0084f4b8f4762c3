using Refinery.Quality.Rpv2;
using Refinery.Text;

namespace Refinery.Quality.Tests.Rpv2;

/// <summary>The repetition signals against a plain reference written as RPv2's repetitions.py reads: string n-grams
/// in a dictionary, Counter.most_common(1) for the top n-gram, and every word of a repeated n-gram marked.</summary>
public sealed class RepetitionSignalsTests
{
    private static readonly string[] Names =
    [
        "rps_doc_frac_chars_top_2gram", "rps_doc_frac_chars_top_3gram", "rps_doc_frac_chars_top_4gram",
        "rps_doc_frac_chars_dupe_5grams", "rps_doc_frac_chars_dupe_6grams", "rps_doc_frac_chars_dupe_7grams",
        "rps_doc_frac_chars_dupe_8grams", "rps_doc_frac_chars_dupe_9grams", "rps_doc_frac_chars_dupe_10grams",
    ];

    [Fact]
    public void Signals_EqualThePlainReference_OnRandomRepetitiveTexts()
    {
        var random = new Random(5);
        var computer = new Rpv2SignalComputer(Rpv2Resources.Empty);
        var vocabulary = new[] { "a", "bb", "ccc", "dddd", "the", "of", "refinery", "x", "yy", "zzzzz", "q", "word" };
        var checkedValues = 0;
        for (var n = 0; n < 3_000; n++)
        {
            var words = new List<string>();
            var length = random.Next(0, 60);
            while (words.Count < length)
            {
                // Copies of earlier stretches make the long repeated n-grams the signals look for.
                if (words.Count > 5 && random.Next(3) == 0)
                {
                    var from = random.Next(words.Count - 3);
                    words.AddRange(words.Skip(from).Take(random.Next(2, 14)).ToList());
                }
                else words.Add(vocabulary[random.Next(random.Next(2, vocabulary.Length))]);
            }
            var signals = computer.Compute(new SignalDocument($"d{n}", string.Join(' ', words), null, "en"));
            var expected = Reference(words);
            foreach (var name in Names)
            {
                Assert.True(expected[name] == signals.Document[Index(name)], $"document {n} ({string.Join(' ', words)}): {name}");
                checkedValues++;
            }
        }
        Assert.Equal(3_000 * Names.Length, checkedValues);
    }

    private static int Index(string name) => Rpv2Catalog.DocumentSignals.Select((d, i) => (d, i)).Single(x => x.d.Name == name).i;

    private static Dictionary<string, double> Reference(List<string> words)
    {
        var values = Names.ToDictionary(n => n, _ => 0.0);
        long total = words.Sum(w => w.Length);
        if (total == 0) return values;
        for (var n = 2; n <= 4; n++)
        {
            var counts = new Dictionary<string, int>();
            var order = new List<string>();
            for (var i = 0; i + n <= words.Count; i++)
            {
                var gram = string.Join(' ', words.Skip(i).Take(n));
                if (counts.TryAdd(gram, 1)) order.Add(gram);
                else counts[gram]++;
            }
            if (order.Count == 0) continue;
            var best = order.First(g => counts[g] == counts.Values.Max());
            if (counts[best] <= 1) continue;
            var chars = best.Split(' ').Sum(w => w.Length);
            values[$"rps_doc_frac_chars_top_{n}gram"] = PyFloat.Round8((double)chars * counts[best] / total);
        }
        for (var n = 5; n <= 10; n++)
        {
            var grams = Enumerable.Range(0, Math.Max(0, words.Count - n + 1)).Select(i => string.Join(' ', words.Skip(i).Take(n))).ToList();
            var repeated = grams.GroupBy(g => g).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
            var marked = new bool[words.Count];
            for (var i = 0; i < grams.Count; i++)
                if (repeated.Contains(grams[i])) for (var k = 0; k < n; k++) marked[i + k] = true;
            var dupe = Enumerable.Range(0, words.Count).Where(i => marked[i]).Sum(i => (long)words[i].Length);
            values[$"rps_doc_frac_chars_dupe_{n}grams"] = PyFloat.Round8((double)dupe / total);
        }
        return values;
    }
}
