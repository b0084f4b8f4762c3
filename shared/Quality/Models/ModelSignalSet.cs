namespace Refinery.Quality.Models;

/// <summary>
/// The RPv2 signals that come from models, computed with Refinery's substitutes: CCNet perplexity and bucket from
/// a <see cref="KneserNeyModel"/>, the three ML scores from <see cref="HashedNGramClassifier"/>s and the six DSIR
/// importances from <see cref="DsirModel"/>s, each looked up by language; <c>ccnet_language_score</c> passes through
/// the caller's language-identification score. Immutable, so one instance serves concurrent callers.
/// </summary>
public sealed class ModelSignalSet
{
    /// <summary>The signals in the order <see cref="Compute"/> writes them.</summary>
    public static readonly IReadOnlyList<string> SignalNames =
    [
        "ccnet_language_score", "ccnet_perplexity", "ccnet_bucket",
        "rps_doc_ml_wikiref_score", "rps_doc_ml_palm_score", "rps_doc_ml_wikipedia_score",
        "rps_doc_books_importance", "rps_doc_wikipedia_importance", "rps_doc_openwebtext_importance",
        "rps_doc_books_importance_length_correction", "rps_doc_wikipedia_importance_length_correction",
        "rps_doc_openwebtext_importance_length_correction",
    ];

    /// <summary>Classifier names in signal order (index 3 onwards).</summary>
    public static readonly IReadOnlyList<string> ClassifierNames = ["wikiref", "palm", "wikipedia"];

    /// <summary>DSIR target names in signal order (index 6 onwards, and 9 onwards for the corrected variants).</summary>
    public static readonly IReadOnlyList<string> DsirNames = ["books", "wikipedia", "openwebtext"];

    private const int LanguageScore = 0, Perplexity = 1, Bucket = 2, FirstClassifier = 3, FirstImportance = 6, FirstCorrected = 9;

    // Each worker thread analyses its document once for all models, in buffers it keeps.
    [ThreadStatic] private static ModelDocument? t_document;

    private readonly Dictionary<string, KneserNeyModel> _languageModels = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Language, int Slot), HashedNGramClassifier> _classifiers = [];
    private readonly Dictionary<(string Language, int Slot), DsirModel> _dsir = [];

    /// <summary>Takes at most one model per (kind, name, language); an LM's name is free, a classifier's must be one of
    /// <see cref="ClassifierNames"/> and a DSIR model's one of <see cref="DsirNames"/>.</summary>
    public ModelSignalSet(IEnumerable<SignalModel> models)
    {
        var all = new List<SignalModel>();
        foreach (var model in models)
        {
            var (language, name) = (model.Header.Language, model.Header.Name);
            var added = model switch
            {
                KneserNeyModel lm => _languageModels.TryAdd(language, lm),
                HashedNGramClassifier c => _classifiers.TryAdd((language, Slot(ClassifierNames, name, "classifier")), c),
                DsirModel d => _dsir.TryAdd((language, Slot(DsirNames, name, "DSIR")), d),
                _ => throw new ArgumentException($"Unknown model type {model.GetType().Name}"),
            };
            if (!added) throw new ArgumentException($"Two {model.Header.Kind} models '{name}' for language '{language}'");
            all.Add(model);
        }
        Models = all;
    }

    public static readonly ModelSignalSet Empty = new([]);

    public IReadOnlyList<string> Names => SignalNames;

    public IReadOnlyList<SignalModel> Models { get; }

    /// <summary>Writes one value per <see cref="Names"/> entry; NaN means null (no model for the language, empty text,
    /// or no language score given).</summary>
    public void Compute(string text, string language, double? languageScore, Span<double> values)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (values.Length < SignalNames.Count) throw new ArgumentException($"values needs {SignalNames.Count} slots", nameof(values));
        values[..SignalNames.Count].Fill(double.NaN);
        values[LanguageScore] = languageScore ?? double.NaN;
        if (text.Length == 0) return; // RPv2 gives null for empty documents; CCNet never scores one

        var document = t_document ??= new ModelDocument();
        document.Reset(text);
        if (_languageModels.TryGetValue(language, out var lm))
        {
            var perplexity = lm.Perplexity(document);
            values[Perplexity] = perplexity;
            values[Bucket] = lm.Bucket(perplexity);
        }
        for (var i = 0; i < ClassifierNames.Count; i++)
            if (_classifiers.TryGetValue((language, i), out var classifier))
                values[FirstClassifier + i] = classifier.Score(document);
        for (var i = 0; i < DsirNames.Count; i++)
            if (_dsir.TryGetValue((language, i), out var dsir))
                (values[FirstImportance + i], values[FirstCorrected + i]) = dsir.Compute(document);
        document.Reset(""); // the thread's buffers stay, the document does not
    }

    private static int Slot(IReadOnlyList<string> names, string name, string what)
    {
        for (var i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        throw new ArgumentException($"'{name}' is not an RPv2 {what} name; expected one of {string.Join(", ", names)}");
    }
}
