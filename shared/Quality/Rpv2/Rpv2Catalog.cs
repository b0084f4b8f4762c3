namespace Refinery.Quality.Rpv2;

/// <summary>The 29 RPv2 signals that need no model, in the order RPv2's worker writes them
/// (content, repetitions, natural language, then the line signals).</summary>
public static class Rpv2Catalog
{
    public static readonly IReadOnlyList<SignalDefinition> DocumentSignals = Documents(
        ("rps_doc_curly_bracket", SignalValueType.Float),
        ("rps_doc_ldnoobw_words", SignalValueType.Float),
        ("rps_doc_lorem_ipsum", SignalValueType.Float),
        ("rps_doc_stop_word_fraction", SignalValueType.Float),
        ("rps_doc_ut1_blacklist", SignalValueType.Int),
        ("rps_doc_frac_chars_dupe_10grams", SignalValueType.Float),
        ("rps_doc_frac_chars_dupe_5grams", SignalValueType.Float),
        ("rps_doc_frac_chars_dupe_6grams", SignalValueType.Float),
        ("rps_doc_frac_chars_dupe_7grams", SignalValueType.Float),
        ("rps_doc_frac_chars_dupe_8grams", SignalValueType.Float),
        ("rps_doc_frac_chars_dupe_9grams", SignalValueType.Float),
        ("rps_doc_frac_chars_top_2gram", SignalValueType.Float),
        ("rps_doc_frac_chars_top_3gram", SignalValueType.Float),
        ("rps_doc_frac_chars_top_4gram", SignalValueType.Float),
        ("rps_doc_frac_all_caps_words", SignalValueType.Float),
        ("rps_doc_frac_lines_end_with_ellipsis", SignalValueType.Float),
        ("rps_doc_frac_no_alph_words", SignalValueType.Float),
        ("rps_doc_frac_unique_words", SignalValueType.Float),
        ("rps_doc_mean_word_length", SignalValueType.Float),
        ("rps_doc_num_sentences", SignalValueType.Float),
        ("rps_doc_symbol_to_word_ratio", SignalValueType.Float),
        ("rps_doc_unigram_entropy", SignalValueType.Float),
        ("rps_doc_word_count", SignalValueType.Int));

    public static readonly IReadOnlyList<SignalDefinition> LineSignals = Lines(
        ("rps_lines_ending_with_terminal_punctution_mark", SignalValueType.Float),
        ("rps_lines_javascript_counts", SignalValueType.Float),
        ("rps_lines_num_words", SignalValueType.Int),
        ("rps_lines_numerical_chars_fraction", SignalValueType.Float),
        ("rps_lines_start_with_bulletpoint", SignalValueType.Float),
        ("rps_lines_uppercase_letter_fraction", SignalValueType.Float));

    /// <summary>Every signal in output order: document signals first, then line signals.</summary>
    public static readonly IReadOnlyList<SignalDefinition> All = [.. DocumentSignals, .. LineSignals];

    /// <summary>The line signal RPv2 writes as the single span [0, 0, null] for a document with no lines.</summary>
    public const string NoLinesNullSpanSignal = "rps_lines_start_with_bulletpoint";

    /// <summary>The four MinHash similarity levels, in RPv2's column order.</summary>
    public static readonly IReadOnlyList<double> MinHashThresholds = [1.0, 0.9, 0.8, 0.7];

    private static readonly Dictionary<string, SignalDefinition> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static SignalDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    // Index constants for the computing code, checked against the lists by a test.
    internal static class Doc
    {
        public const int CurlyBracket = 0, LdnoobwWords = 1, LoremIpsum = 2, StopWordFraction = 3, Ut1Blacklist = 4;
        public const int DupeFirst = 5; // dupe_10grams, then 5..9
        public const int TopFirst = 11; // top_2gram..top_4gram
        public const int AllCaps = 14, Ellipsis = 15, NoAlph = 16, UniqueWords = 17, MeanWordLength = 18;
        public const int NumSentences = 19, SymbolToWord = 20, UnigramEntropy = 21, WordCount = 22;
        public const int Count = 23;
    }

    internal static class Line
    {
        public const int TerminalPunctuation = 0, Javascript = 1, NumWords = 2, NumericalChars = 3, Bullet = 4, Uppercase = 5;
        public const int Count = 6;
    }

    private static SignalDefinition[] Documents(params (string Name, SignalValueType Type)[] items) =>
        items.Select((s, i) => new SignalDefinition(s.Name, SignalLevel.Document, s.Type, i)).ToArray();

    private static SignalDefinition[] Lines(params (string Name, SignalValueType Type)[] items) =>
        items.Select((s, i) => new SignalDefinition(s.Name, SignalLevel.Line, s.Type, i)).ToArray();
}
