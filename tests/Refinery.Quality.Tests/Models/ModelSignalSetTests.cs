using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

public sealed class ModelSignalSetTests
{
    private static readonly string[] Reference = ["the ship sailed west and the crew sang", "a whale a ship and the sea"];
    private static readonly string[] Web = ["click here to buy now best price", "home about contact us login"];

    private static ModelSignalSet Set()
    {
        ModelBuildInputs Inputs(string name) => new()
        {
            Name = name, Reference = Reference, Web = Web, CreatedAt = TestCorpora.FixedTime, HeldOutFraction = 0,
        };
        return new ModelSignalSet(
        [
            SignalModelBuilder.BuildLanguageModel(Inputs("ccnet"), new KneserNeyOptions(3, MinCount: 1)),
            SignalModelBuilder.BuildClassifier(Inputs("wikiref"), new ClassifierOptions(Buckets: 1 << 12)),
            SignalModelBuilder.BuildDsir(Inputs("books")),
        ]);
    }

    [Fact]
    public void Names_AreTheTwelveRpv2ModelSignals()
    {
        Assert.Equal(12, Set().Names.Count);
        Assert.Contains("rps_doc_openwebtext_importance_length_correction", Set().Names);
        Assert.Equal(Set().Names.Count, Set().Names.Distinct().Count());
    }

    [Fact]
    public void Compute_PresentModels_GiveValuesAndMissingOnesNull()
    {
        var set = Set();
        var values = new double[set.Names.Count];
        set.Compute("the whale and the ship", "en", 0.93, values);
        double Value(string name) => values[set.Names.ToList().IndexOf(name)];
        Assert.Equal(0.93, Value("ccnet_language_score"));
        Assert.True(Value("ccnet_perplexity") > 0);
        Assert.Contains(Value("ccnet_bucket"), new[] { 0.0, 1.0, 2.0 });
        Assert.InRange(Value("rps_doc_ml_wikiref_score"), 0, 1);
        Assert.True(double.IsFinite(Value("rps_doc_books_importance")));
        Assert.True(double.IsNaN(Value("rps_doc_ml_palm_score")));
        Assert.True(double.IsNaN(Value("rps_doc_wikipedia_importance")));
    }

    [Fact]
    public void Compute_LanguageWithoutModels_IsAllNullButTheLanguageScore()
    {
        var values = new double[12];
        Set().Compute("le navire et la mer", "fr", null, values);
        Assert.All(values, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void Compute_ConcurrentCalls_GiveTheSameValuesAsSequentialOnes()
    {
        var set = Set();
        var texts = Enumerable.Range(0, 64).Select(i => $"the ship {i} and the sea {i % 7} buy now").ToArray();
        var expected = texts.Select(t => { var v = new double[12]; set.Compute(t, "en", 0.5, v); return v; }).ToArray();
        var actual = new double[texts.Length][];
        Parallel.For(0, texts.Length, i => { var v = new double[12]; set.Compute(texts[i], "en", 0.5, v); actual[i] = v; });
        for (var i = 0; i < texts.Length; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void Constructor_UnknownClassifierName_Throws()
    {
        var classifier = SignalModelBuilder.BuildClassifier(new ModelBuildInputs
        {
            Name = "quality", Reference = Reference, Web = Web, CreatedAt = TestCorpora.FixedTime, HeldOutFraction = 0,
        }, new ClassifierOptions(Buckets: 1 << 12));
        Assert.Throws<ArgumentException>(() => new ModelSignalSet([classifier]));
    }
}
