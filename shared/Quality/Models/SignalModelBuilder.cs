using System.Globalization;

namespace Refinery.Quality.Models;

/// <summary>Builds the three kinds of substitute model from reference and web documents, measuring each on a
/// held-out split (recorded in the header's metrics). Deterministic: the same inputs and seed give the same bytes.</summary>
public static class SignalModelBuilder
{
    // Different seeds for the two sides' splits, derived from the user's one seed.
    private const ulong WebSplitSalt = 0x5DEECE66DUL;

    public static KneserNeyModel BuildLanguageModel(ModelBuildInputs inputs, KneserNeyOptions? options = null)
    {
        options ??= new KneserNeyOptions();
        var (train, heldOutRef) = HeldOutSplit.Split(inputs.Reference, inputs.HeldOutFraction, inputs.Seed);
        var header = Header(inputs, ModelKinds.LanguageModel, KneserNeyModel.PayloadVersion, new()
        {
            ["order"] = Invariant(options.Order),
            ["min_count"] = Invariant(options.MinCount),
            ["tokens"] = "lowercase, accents stripped, digits to 0, WordPunct",
            ["smoothing"] = "interpolated modified Kneser-Ney",
            ["cutoffs_from"] = inputs.Web.Count > 0 ? "web" : "held-out reference",
        });
        var model = KneserNeyTrainer.Train(train, options, header);

        // Cutoffs: CCNet's 30th/60th percentiles of perplexity over a web sample (all web documents: the LM never saw them).
        var refPerplexities = heldOutRef.Select(model.Perplexity).ToList();
        var webPerplexities = inputs.Web.Select(model.Perplexity).ToList();
        var sample = webPerplexities.Count > 0 ? webPerplexities : refPerplexities;
        var (head, tail) = (HeldOutSplit.Percentile(sample, 30), HeldOutSplit.Percentile(sample, 60));

        var metrics = new SortedDictionary<string, double>();
        HeldOutSplit.Add(metrics, "train_documents", train.Count);
        HeldOutSplit.Add(metrics, "vocabulary", model.Vocabulary.Count);
        HeldOutSplit.Add(metrics, "heldout_ref_documents", heldOutRef.Count);
        HeldOutSplit.Add(metrics, "heldout_ref_perplexity", PooledPerplexity(model, heldOutRef));
        HeldOutSplit.Add(metrics, "heldout_ref_median_doc_perplexity", HeldOutSplit.Percentile(refPerplexities, 50));
        HeldOutSplit.Add(metrics, "web_documents", inputs.Web.Count);
        HeldOutSplit.Add(metrics, "web_perplexity", PooledPerplexity(model, inputs.Web));
        HeldOutSplit.Add(metrics, "web_median_doc_perplexity", HeldOutSplit.Percentile(webPerplexities, 50));
        HeldOutSplit.Add(metrics, "auc_web_above_ref", HeldOutSplit.RankingAuc(webPerplexities, refPerplexities));
        HeldOutSplit.Add(metrics, "head_cutoff", head);
        HeldOutSplit.Add(metrics, "tail_cutoff", tail);
        var result = model.WithCutoffs(header with { Metrics = metrics }, head, tail);
        result.StampVersion();
        return result;
    }

    public static HashedNGramClassifier BuildClassifier(ModelBuildInputs inputs, ClassifierOptions? options = null)
    {
        options ??= new ClassifierOptions();
        var (refTrain, refHeld) = HeldOutSplit.Split(inputs.Reference, inputs.HeldOutFraction, inputs.Seed);
        var (webTrain, webHeld) = HeldOutSplit.Split(inputs.Web, inputs.HeldOutFraction, inputs.Seed ^ WebSplitSalt);
        var header = Header(inputs, ModelKinds.Classifier, HashedNGramClassifier.PayloadVersion, new()
        {
            ["buckets"] = Invariant(options.Buckets),
            ["dimension"] = Invariant(options.Dimension),
            ["epochs"] = Invariant(options.Epochs),
            ["learning_rate"] = Invariant(options.LearningRate),
            ["features"] = "unigrams + bigrams of lowercase, accent-stripped, digits-to-0 WordPunct tokens, XxHash64",
            ["labels"] = "ref, cc",
        });
        var model = HashedNGramTrainer.Train(refTrain, webTrain, options, inputs.Seed, header);

        var refScores = refHeld.Select(model.Score).ToList();
        var webScores = webHeld.Select(model.Score).ToList();
        var refCorrect = refScores.Count(s => s >= 0.5);
        var webCorrect = webScores.Count(s => s < 0.5);
        var metrics = new SortedDictionary<string, double>();
        HeldOutSplit.Add(metrics, "train_ref_documents", refTrain.Count);
        HeldOutSplit.Add(metrics, "train_web_documents", webTrain.Count);
        HeldOutSplit.Add(metrics, "trained_rows", model.TrainedRows);
        HeldOutSplit.Add(metrics, "heldout_ref_documents", refHeld.Count);
        HeldOutSplit.Add(metrics, "heldout_web_documents", webHeld.Count);
        HeldOutSplit.Add(metrics, "heldout_accuracy", (refCorrect + webCorrect) / (double)(refHeld.Count + webHeld.Count));
        if (refHeld.Count > 0 && webHeld.Count > 0)
            HeldOutSplit.Add(metrics, "heldout_balanced_accuracy", 0.5 * (refCorrect / (double)refHeld.Count + webCorrect / (double)webHeld.Count));
        HeldOutSplit.Add(metrics, "heldout_auc", HeldOutSplit.RankingAuc(refScores, webScores));
        var result = new HashedNGramClassifier(header with { Metrics = metrics }, model.Buckets, model.Dimension,
            model.RowOfBucket, model.Rows, model.Output, model.Bias);
        result.StampVersion();
        return result;
    }

    public static DsirModel BuildDsir(ModelBuildInputs inputs, int buckets = DsirModel.DefaultBuckets)
    {
        if (inputs.Web.Count == 0) throw new ArgumentException("DSIR needs web (source) documents", nameof(inputs));
        var (refTrain, refHeld) = HeldOutSplit.Split(inputs.Reference, inputs.HeldOutFraction, inputs.Seed);
        var (webTrain, webHeld) = HeldOutSplit.Split(inputs.Web, inputs.HeldOutFraction, inputs.Seed ^ WebSplitSalt);
        var header = Header(inputs, ModelKinds.Dsir, DsirModel.PayloadVersion, new()
        {
            ["buckets"] = Invariant(buckets),
            ["features"] = "raw WordPunct tokens + bigrams, XxHash64 (RPv2: CPython hash, PYTHONHASHSEED=42)",
        });
        var (target, targetLambda) = DsirModel.Accumulate(refTrain, buckets);
        var (source, sourceLambda) = DsirModel.Accumulate(webTrain, buckets);
        var model = new DsirModel(header, target, source, targetLambda, sourceLambda);

        var refScores = refHeld.Select(d => model.Compute(d).Importance).Where(double.IsFinite).ToList();
        var webScores = webHeld.Select(d => model.Compute(d).Importance).Where(double.IsFinite).ToList();
        var metrics = new SortedDictionary<string, double>();
        HeldOutSplit.Add(metrics, "target_lambda", targetLambda);
        HeldOutSplit.Add(metrics, "source_lambda", sourceLambda);
        HeldOutSplit.Add(metrics, "heldout_ref_mean_importance", refScores.Count > 0 ? refScores.Average() : double.NaN);
        HeldOutSplit.Add(metrics, "heldout_web_mean_importance", webScores.Count > 0 ? webScores.Average() : double.NaN);
        HeldOutSplit.Add(metrics, "heldout_auc", HeldOutSplit.RankingAuc(refScores, webScores));
        var result = new DsirModel(header with { Metrics = metrics }, target, source, targetLambda, sourceLambda);
        result.StampVersion();
        return result;
    }

    /// <summary>Corpus-level perplexity: 10^(−Σ log10 p / Σ length) over every line of every document.</summary>
    private static double PooledPerplexity(KneserNeyModel model, IEnumerable<string> documents)
    {
        var (log, length) = (0.0, 0L);
        foreach (var document in documents)
        foreach (var line in document.Split('\n'))
        {
            var (l, n) = model.ScoreLine(line);
            (log, length) = (log + l, length + n);
        }
        return length == 0 ? double.NaN : Math.Pow(10, -log / length);
    }

    private static ModelHeader Header(ModelBuildInputs inputs, string kind, int payloadVersion, SortedDictionary<string, string> hyper)
    {
        hyper["seed"] = Invariant(inputs.Seed);
        hyper["heldout_fraction"] = Invariant(inputs.HeldOutFraction);
        return new ModelHeader
        {
            Kind = kind,
            Name = inputs.Name,
            Version = "",
            Language = inputs.Language,
            PayloadVersion = payloadVersion,
            Corpora = inputs.DescribeCorpora(),
            HyperParameters = hyper,
            Metrics = new(),
            CreatedAt = inputs.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
    }

    private static string Invariant<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
