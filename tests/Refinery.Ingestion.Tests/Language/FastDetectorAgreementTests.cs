using System.Diagnostics;
using System.Text;
using Refinery.Ingestion.Language;
using Xunit.Abstractions;

namespace Refinery.Ingestion.Tests.Language;

/// <summary>The fast detector against Lingua's high-accuracy mode on real multilingual and web documents of 200+
/// chars: the same language on at least 99 % of them, about the same confidence. Prints the per-language report
/// (agreement, accuracy of both where the data is labelled, throughput, memory) to the test output.</summary>
public sealed class FastDetectorAgreementTests(DetectorFixture detectors, ITestOutputHelper output) : IClassFixture<DetectorFixture>
{
    private sealed record Compared(LanguageSample Sample, LanguageGuess Fast, LanguageGuess Lingua)
    {
        public string Language => Sample.Label ?? Lingua.Code;
        public bool Agree => Fast.Code == Lingua.Code;
    }

    [Fact]
    public void Fast_AgreesWithLingua_OnDocumentsOf200CharsOrMore()
    {
        var samples = LanguageSamples.Load();
        Timed(samples, detectors.Of(LanguageDetectorKind.Fast)); // JIT-compiled and tiered up before it is timed
        var (fast, fastSeconds) = Timed(samples, detectors.Of(LanguageDetectorKind.Fast));
        detectors.Of(LanguageDetectorKind.Lingua).Identify("Load the models before the clock starts.");
        var (lingua, linguaSeconds) = Timed(samples, detectors.Of(LanguageDetectorKind.Lingua));
        var configured = detectors.Of(LanguageDetectorKind.Fast).Languages.ToHashSet();
        var compared = samples.Select((s, i) => new Compared(s, fast[i], lingua[i]))
            .Where(c => configured.Contains(c.Language)).ToList();

        Report(compared, samples, fastSeconds, linguaSeconds);
        var agreement = compared.Count(c => c.Agree) / (double)compared.Count;
        Assert.True(compared.Count > 2_000, $"only {compared.Count} documents compared");
        Assert.True(agreement >= 0.99, $"agreement {agreement:P2}");
        // Where they agree, the confidence is Lingua's own computation: equal up to float sums.
        var agreed = compared.Where(c => c.Agree).ToList();
        Assert.True(agreed.Average(c => Math.Abs(c.Fast.Score - c.Lingua.Score)) < 0.001);
    }

    [Fact]
    public void Confidence_FollowsLinguas_OnShortTexts()
    {
        // Below 120 cleaned chars Lingua also scores 4- and 5-grams, which the fast detector leaves out; its
        // confidence still ranks texts as Lingua's does (and agrees on most answers).
        var snippets = LanguageSamples.Load().Where(s => s.Label is not null)
            .Select(s => s.Text[..Math.Min(s.Text.Length, 60)]).Take(2_000).ToList();
        var fast = snippets.Select(detectors.Of(LanguageDetectorKind.Fast).Identify).ToList();
        var lingua = snippets.Select(detectors.Of(LanguageDetectorKind.Lingua).Identify).ToList();

        var agree = fast.Zip(lingua).Count(p => p.First.Code == p.Second.Code) / (double)snippets.Count;
        var rank = SpearmanCorrelation(fast.Select(g => g.Score).ToArray(), lingua.Select(g => g.Score).ToArray());
        output.WriteLine($"short texts (60 chars): agreement {agree:P1}, Spearman rank correlation of confidences {rank:F3}");
        Assert.True(agree >= 0.9, $"agreement on short texts {agree:P1}");
        Assert.True(rank >= 0.8, $"rank correlation {rank:F3}");
        Assert.All(fast, g => Assert.InRange(g.Score, 0, 1));
    }

    private static (LanguageGuess[] Guesses, double CpuSeconds) Timed(IReadOnlyList<LanguageSample> samples, LanguageIdentifier identifier)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var guesses = samples.Select(s => identifier.Identify(s.Text)).ToArray();
        return (guesses, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    private void Report(List<Compared> compared, IReadOnlyList<LanguageSample> samples, double fastSeconds, double linguaSeconds)
    {
        var text = new StringBuilder();
        text.AppendLine($"{"language",-9}{"docs",6}{"agree",9}{"labelled",9}{"acc fast",10}{"acc lingua",11}{"|Δconf|",9}");
        foreach (var group in compared.GroupBy(c => c.Language).OrderBy(g => g.Key))
            text.AppendLine(Row(group.Key, group.ToList()));
        text.AppendLine(Row("all", compared));
        foreach (var set in compared.GroupBy(c => c.Sample.Set).OrderBy(g => g.Key))
            text.AppendLine(Row("  " + set.Key, set.ToList()));
        foreach (var miss in compared.Where(c => !c.Agree).Take(20))
            text.AppendLine($"differs: {miss.Sample.Set} label={miss.Sample.Label} fast={miss.Fast} lingua={miss.Lingua} " +
                            $"'{miss.Sample.Text[..Math.Min(80, miss.Sample.Text.Length)].ReplaceLineEndings(" ")}'");
        // Lingua's confidence is e^sum normalised over the candidates; sums over hundreds of trigrams underflow,
        // and then it is 1.0 for the best language.
        string Saturated(Func<Compared, LanguageGuess> guess) =>
            $"{compared.Count(c => guess(c).Score >= 0.9999) / (double)compared.Count:P1} at 1.0, mean {compared.Average(c => guess(c).Score):F4}";
        text.AppendLine($"lang_score: fast {Saturated(c => c.Fast)}; lingua {Saturated(c => c.Lingua)}; " +
                        $"largest |Δ| {compared.Max(c => Math.Abs(c.Fast.Score - c.Lingua.Score)):F4}");
        // Throughput over the chars the identifier reads (the 2,000-char head), as UTF-8 MB.
        var sampledMb = samples.Sum(s => Encoding.UTF8.GetByteCount(s.Text.AsSpan(0, Math.Min(s.Text.Length, 2_000)))) / 1e6;
        text.AppendLine($"throughput (MB of sampled UTF-8 a CPU-second): fast {sampledMb / fastSeconds:F1}, lingua {sampledMb / linguaSeconds:F2} " +
                        $"({samples.Count} documents, {sampledMb:F2} MB)");
        var model = ((FastLanguageDetector)detectors.Of(LanguageDetectorKind.Fast).Detector).ModelBytes;
        text.AppendLine($"fast model: {model / 1e6:F0} MB of tables, {detectors.FastManagedBytes / 1e6:F0} MB managed heap growth, " +
                        $"loaded in {detectors.FastLoadTime.TotalSeconds:F1} s");
        output.WriteLine(text.ToString());
    }

    private static string Row(string name, List<Compared> rows)
    {
        var labelled = rows.Where(r => r.Sample.Label is not null).ToList();
        string Accuracy(Func<Compared, LanguageGuess> guess) =>
            labelled.Count == 0 ? "-" : $"{labelled.Count(r => guess(r).Code == r.Sample.Label) / (double)labelled.Count:P1}";
        return $"{name,-9}{rows.Count,6}{rows.Count(r => r.Agree) / (double)rows.Count,9:P1}{labelled.Count,9}" +
               $"{Accuracy(r => r.Fast),10}{Accuracy(r => r.Lingua),11}{rows.Average(r => Math.Abs(r.Fast.Score - r.Lingua.Score)),9:F4}";
    }

    private static double SpearmanCorrelation(double[] x, double[] y)
    {
        double[] Ranks(double[] v)
        {
            var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
            var ranks = new double[v.Length];
            for (var i = 0; i < order.Length;)
            {
                var j = i;
                while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
                for (var k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0;
                i = j + 1;
            }
            return ranks;
        }
        var (rx, ry) = (Ranks(x), Ranks(y));
        var (mx, my) = (rx.Average(), ry.Average());
        var cov = rx.Zip(ry).Sum(p => (p.First - mx) * (p.Second - my));
        return cov / Math.Sqrt(rx.Sum(r => (r - mx) * (r - mx)) * ry.Sum(r => (r - my) * (r - my)));
    }
}
