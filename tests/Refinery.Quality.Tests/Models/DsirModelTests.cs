using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;
using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

public sealed class DsirModelTests
{
    private static readonly string[] Target = ["The ship sailed west. The crew sang!", "A whale, a ship, and the sea."];
    private static readonly string[] Source = ["Click here to buy now!!! Best price", "Home | About | Contact us | Login", "buy cheap buy now"];

    private static DsirModel Build() => SignalModelBuilder.BuildDsir(new ModelBuildInputs
    {
        Name = "books", Reference = Target, Web = Source, CreatedAt = TestCorpora.FixedTime, HeldOutFraction = 0,
    });

    [Fact]
    public void Importance_EqualsIndependentRecomputation()
    {
        const string doc = "The ship, the sea; buy now.";
        var (importance, corrected) = Build().Compute(doc);

        var (target, lambdaT) = Counts(Target);
        var (source, lambdaS) = Counts(Source);
        var (sumT, sumS) = (target.Sum(), source.Sum());
        var f = Features(doc);
        var dot = 0.0;
        for (var i = 0; i < 10_000; i++)
            dot += f[i] * (Math.Log(target[i] / sumT + 1e-8) - Math.Log(source[i] / sumS + 1e-8));
        var k = doc.Length; // ASCII: characters = code points
        var expectedCorrection = Math.Log(Pmf(k, lambdaT) + 1e-8) - Math.Log(Pmf(k, lambdaS) + 1e-8);

        Assert.Equal(Math.Round(dot, 8), importance, 12);
        Assert.Equal(Math.Round(dot + expectedCorrection, 8), corrected, 12);
    }

    [Fact]
    public void Importance_EmptyText_IsNull()
    {
        var (importance, corrected) = Build().Compute("");
        Assert.True(double.IsNaN(importance));
        Assert.True(double.IsNaN(corrected));
    }

    [Fact]
    public void Importance_TargetLikeText_ExceedsSourceLikeText()
    {
        var model = Build();
        Assert.True(model.Compute("The whale and the ship.").Importance > model.Compute("Buy now | Login").Importance);
    }

    // Independent of the library: .NET regex WordPunct (equal to Python's on ASCII), XxHash64 over UTF-8 with the
    // documented 0xFF pair separator, Poisson pmf by a direct product.
    private static double[] Features(string text)
    {
        var tokens = Regex.Matches(text, @"\w+|[^\w\s]+").Select(m => m.Value).ToList();
        var f = new double[10_000];
        foreach (var t in tokens) f[XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(t)) % 10_000]++;
        for (var i = 1; i < tokens.Count; i++)
            f[XxHash64.HashToUInt64([.. Encoding.UTF8.GetBytes(tokens[i - 1]), 0xFF, .. Encoding.UTF8.GetBytes(tokens[i])]) % 10_000]++;
        return f;
    }

    private static (double[] Counts, double Lambda) Counts(string[] docs)
    {
        var counts = new double[10_000];
        var tokens = 0;
        foreach (var doc in docs)
        {
            var f = Features(doc);
            for (var i = 0; i < f.Length; i++) counts[i] += f[i];
            tokens += Regex.Matches(doc, @"\w+|[^\w\s]+").Count;
        }
        return (counts, tokens / (double)docs.Length);
    }

    private static double Pmf(int k, double lambda)
    {
        var p = Math.Exp(-lambda);
        for (var i = 1; i <= k; i++) p *= lambda / i;
        return p;
    }
}
