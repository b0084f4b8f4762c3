using System.Collections;
using System.Globalization;
using System.Reflection;
using Lingua;

namespace Refinery.Ingestion.Language;

/// <summary>Lingua's rule engine over a fixed set of languages (columns), on text already cleaned up and split
/// into words: first a language decided by script or by characters unique to one language, else the languages
/// the text's main script and its characters shared by a few languages allow. The facts (which languages write
/// which script, which characters point to which languages) are read from the Lingua assembly itself, so they
/// stay Lingua's; the loops are ours, over per-character tables instead of per-language passes.</summary>
internal sealed class LinguaRules
{
    public const int None = -1;

    /// <summary>Flags of a word (<see cref="KindOf"/>): some char of it is <see cref="CharInfo.Special"/> (without
    /// one, no char of the word votes or is named by a rule), and every char is a Latin letter (so its script is
    /// Latin, whole).</summary>
    public const byte SpecialWord = 1, LatinWord = 2;

    /// <summary>A word's flags from the <see cref="CharInfo"/> kinds of its chars, or-ed and and-ed.</summary>
    public static byte KindOf(byte anyKind, byte everyKind) =>
        (byte)(((anyKind & CharInfo.Special) != 0 ? SpecialWord : 0) | ((everyKind & CharInfo.LatinLetter) != 0 ? LatinWord : 0));

    private readonly int _columns;
    private readonly int _chineseSlot, _japaneseSlot;      // columns when configured, else two slots past them
    private readonly int[] _oneLanguageScriptColumn;      // by script: the configured language only it writes, or -1
    private readonly int[][] _uniqueCharColumns;          // by CharInfo.Rule: configured languages the char is unique to
    private readonly int[] _mappingEntry;                 // by CharInfo.Rule: its entry of Lingua's shared-chars table
    private readonly int[][] _mappingColumns;             // by entry: configured languages the entry points to
    private readonly bool[][] _scriptColumns;             // by script, by column: the language writes the script

    public LinguaRules(IReadOnlyList<Lingua.Language> columns)
    {
        _columns = columns.Count;
        int ColumnOf(Lingua.Language l) => columns.ToList().IndexOf(l);
        _chineseSlot = ColumnOf(Lingua.Language.Chinese) is var zh and >= 0 ? zh : _columns;
        _japaneseSlot = ColumnOf(Lingua.Language.Japanese) is var ja and >= 0 ? ja : _columns + 1;

        var scripts = Enum.GetValues<UnicodeScript>().Length;
        _oneLanguageScriptColumn = Enumerable.Repeat(-1, scripts).ToArray();
        foreach (var alphabet in LinguaFacts.Alphabets)
        {
            var writers = LinguaFacts.AllLanguages.Where(l => LinguaFacts.AlphabetsOf(l).Contains(alphabet)).ToArray();
            if (writers.Length == 1 && ColumnOf(writers[0]) is var only and >= 0) _oneLanguageScriptColumn[(int)alphabet] = only;
        }
        _scriptColumns = new bool[scripts][];
        for (var s = 0; s < scripts; s++)
            _scriptColumns[s] = columns.Select(l => LinguaFacts.AlphabetsOf(l).Contains((UnicodeScript)s)).ToArray();

        _uniqueCharColumns = new int[CharInfo.RuleCount][];
        _mappingEntry = new int[CharInfo.RuleCount];
        for (var rule = 0; rule < CharInfo.RuleCount; rule++)
        {
            var ch = CharInfo.RuleChar(rule);
            _uniqueCharColumns[rule] = Enumerable.Range(0, _columns)
                .Where(c => columns[c].UniqueCharacters()?.Contains(ch) == true).ToArray();
            _mappingEntry[rule] = LinguaFacts.SharedChars.FindIndex(e => e.Chars.Contains(ch));
        }
        _mappingColumns = LinguaFacts.SharedChars
            .Select(e => e.Languages.Select(ColumnOf).Where(c => c >= 0).ToArray()).ToArray();
    }

    /// <summary>What <see cref="Filter"/> gives for text of Latin letters no rule names: the Latin-script languages
    /// when some word is all Latin letters, else every language.</summary>
    public void AllowLatin(Span<bool> allowed, bool someLatinWord)
    {
        for (var c = 0; c < _columns; c++) allowed[c] = !someLatinWord || _scriptColumns[(int)UnicodeScript.Latin][c];
    }

    /// <summary>Lingua's DetectLanguageWithRules: each word votes for the one configured language its characters
    /// point to (or for none); a language with a clear plurality of votes wins unless most words voted for none.</summary>
    public int Decide(ReadOnlySpan<char> text, ReadOnlySpan<Range> words, ReadOnlySpan<byte> wordKinds)
    {
        Span<int> total = stackalloc int[_columns + 3]; // the last counts words that voted for none
        Span<int> word = stackalloc int[_columns + 2];
        total.Clear();
        var unknown = 0;
        for (var w = 0; w < words.Length; w++)
        {
            // Chars that are not Special (Latin letters no rule names, Common and Inherited chars) count for no
            // language below, so such a word votes for none.
            if ((wordKinds[w] & SpecialWord) == 0)
            {
                unknown++;
                continue;
            }
            word.Clear();
            foreach (var ch in text[words[w]])
            {
                var script = CharInfo.Script(ch);
                var column = _oneLanguageScriptColumn[script];
                if (column >= 0) word[column]++;
                else if (script == (int)UnicodeScript.Han) word[_chineseSlot]++;
                else if (script is (int)UnicodeScript.Hiragana or (int)UnicodeScript.Katakana) word[_japaneseSlot]++;
                else if (script is (int)UnicodeScript.Latin or (int)UnicodeScript.Cyrillic or (int)UnicodeScript.Devanagari
                         && CharInfo.Rule(ch) is var rule and > 0)
                    foreach (var c in _uniqueCharColumns[rule]) word[c]++;
            }
            var (best, first, second, voters) = Top(word);
            if (voters == 0 || best >= _columns || (voters > 1 && first == second)) unknown++;
            else total[best]++;
        }

        // Lingua drops the "none" votes unless they are at least half; then a sole language, or Chinese beside
        // Japanese (kanji in Japanese text), or a strict plurality wins.
        if (unknown < 0.5 * words.Length) unknown = 0;
        total[^1] = unknown;
        var (winner, most, next, keys) = Top(total);
        if (keys == 0 || winner == total.Length - 1) return None;
        if (keys == 2 && total[_chineseSlot] > 0 && total[_japaneseSlot] > 0) return _japaneseSlot;
        return keys > 1 && most == next ? None : winner;
    }

    /// <summary>Lingua's FilterLanguagesByRules: the languages that write the script most of the text's letters are
    /// in, narrowed to those at least half the words' shared characters point to. Writes the allowed columns.</summary>
    public void Filter(ReadOnlySpan<char> text, ReadOnlySpan<Range> words, ReadOnlySpan<byte> wordKinds, Span<bool> allowed)
    {
        Span<int> scriptChars = stackalloc int[_scriptColumns.Length];
        Span<int> firstSeen = stackalloc int[_scriptColumns.Length];
        scriptChars.Clear();
        var seen = 0;
        for (var w = 0; w < words.Length; w++)
        {
            var chars = text[words[w]];
            int script;
            if ((wordKinds[w] & LatinWord) != 0) script = (int)UnicodeScript.Latin;   // all Latin letters: whole
            else
            {
                script = CharInfo.Script(chars[0]);
                if (!LinguaFacts.IsAlphabet(script)) continue;
                var whole = true;
                foreach (var ch in chars) whole &= CharInfo.Script(ch) == script;
                if (!whole) continue;
            }
            if (!LinguaFacts.IsAlphabet(script)) continue;
            if (scriptChars[script] == 0) firstSeen[script] = seen++;
            scriptChars[script] += chars.Length;
        }

        // The most frequent script; among equals, the one met first (Lingua's MaxBy over insertion order).
        int main = -1, firstCount = 0;
        var allEqual = true;
        for (var s = 0; s < scriptChars.Length; s++)
        {
            if (scriptChars[s] == 0) continue;
            if (firstCount == 0) firstCount = scriptChars[s];
            allEqual &= scriptChars[s] == firstCount;
            if (main < 0 || scriptChars[s] > scriptChars[main] || (scriptChars[s] == scriptChars[main] && firstSeen[s] < firstSeen[main]))
                main = s;
        }
        if (main < 0 || (seen > 1 && allEqual))
        {
            allowed.Fill(true);
            return;
        }
        for (var c = 0; c < _columns; c++) allowed[c] = _scriptColumns[main][c];

        // Each distinct shared character of a word is one vote for each allowed language it points to.
        Span<int> entryVotes = stackalloc int[_mappingColumns.Length];
        entryVotes.Clear();
        Span<int> lastWord = stackalloc int[CharInfo.RuleCount];
        lastWord.Fill(-1);
        for (var w = 0; w < words.Length; w++)
        {
            if ((wordKinds[w] & SpecialWord) == 0) continue;   // only Special chars are named by a rule
            foreach (var ch in text[words[w]])
                if (CharInfo.Rule(ch) is var rule and > 0 && _mappingEntry[rule] >= 0 && lastWord[rule] != w)
                {
                    lastWord[rule] = w;
                    entryVotes[_mappingEntry[rule]]++;
                }
        }
        Span<int> votes = stackalloc int[_columns];
        votes.Clear();
        for (var e = 0; e < entryVotes.Length; e++)
            if (entryVotes[e] > 0)
                foreach (var c in _mappingColumns[e])
                    if (allowed[c]) votes[c] += entryVotes[e];
        var any = false;
        foreach (var v in votes) any |= v > 0 && v >= 0.5 * words.Length;
        if (!any) return;
        for (var c = 0; c < _columns; c++) allowed[c] = votes[c] > 0 && votes[c] >= 0.5 * words.Length;
    }

    private static (int Best, int First, int Second, int Voters) Top(ReadOnlySpan<int> counts)
    {
        int best = -1, first = 0, second = 0, voters = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var count = counts[i];
            if (count == 0) continue;
            voters++;
            if (count > first) { second = first; first = count; best = i; }
            else if (count > second) second = count;
        }
        return (best, first, second, voters);
    }
}

/// <summary>The facts of Lingua this port needs and the assembly keeps internal, read once by reflection. Pinned by
/// SearchPioneer.Lingua's version; a renamed member fails loudly at start (and in the tests), never silently.</summary>
internal static class LinguaFacts
{
    public sealed record SharedCharsEntry(string Chars, Lingua.Language[] Languages);

    private static readonly Type AlphabetType = typeof(LanguageDetector).Assembly.GetType("Lingua.Internal.Alphabet")
        ?? throw Changed("Lingua.Internal.Alphabet");
    private static readonly MethodInfo AlphabetsMethod = typeof(LanguageInfo).GetMethod("Alphabets", BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw Changed("LanguageInfo.Alphabets");

    /// <summary>Lingua's alphabets as Unicode scripts (each alphabet is named after its script).</summary>
    public static readonly UnicodeScript[] Alphabets = Enum.GetNames(AlphabetType).Where(n => n != "None")
        .Select(Enum.Parse<UnicodeScript>).ToArray();

    private static readonly bool[] AlphabetFlags = Enumerable.Range(0, Enum.GetValues<UnicodeScript>().Length)
        .Select(s => Alphabets.Contains((UnicodeScript)s)).ToArray();

    public static readonly Lingua.Language[] AllLanguages = LanguageInfo.All().ToArray();

    private static readonly Dictionary<Lingua.Language, UnicodeScript[]> AlphabetsByLanguage = AllLanguages.ToDictionary(
        l => l, l => ((IEnumerable)AlphabetsMethod.Invoke(null, [l])!).Cast<object>()
            .Select(a => a.ToString()!).Where(n => n != "None").Select(Enum.Parse<UnicodeScript>).ToArray());

    /// <summary>Lingua's CharsToLanguagesMapping: characters that a few languages share.</summary>
    public static readonly List<SharedCharsEntry> SharedChars =
        ((IDictionary<string, HashSet<Lingua.Language>>)(typeof(LanguageDetector)
            .GetField("CharsToLanguagesMapping", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null)
            ?? throw Changed("LanguageDetector.CharsToLanguagesMapping")))
        .Select(p => new SharedCharsEntry(p.Key, p.Value.ToArray())).ToList();

    public static UnicodeScript[] AlphabetsOf(Lingua.Language language) => AlphabetsByLanguage[language];
    public static bool IsAlphabet(int script) => AlphabetFlags[script];

    private static InvalidOperationException Changed(string member) =>
        new($"SearchPioneer.Lingua no longer has {member}: the fast language detector mirrors Lingua 2.0.0's rules");
}

/// <summary>Per-character facts, one table lookup each: what Lingua's clean-up does with the char (drops
/// punctuation and digits, folds whitespace), whether it is a letter, its Unicode script (Lingua's table), and
/// whether a rule names it (a char unique to a language or shared by a few).</summary>
internal static class CharInfo
{
    public const byte Drop = 1, Space = 2, Letter = 4, Logogram = 8;

    /// <summary>A char a rule may act on: named by a rule, or of a script other than Latin (and Common, Inherited).</summary>
    public const byte Special = 16;

    /// <summary>A letter of the Latin script.</summary>
    public const byte LatinLetter = 32;

    private static readonly byte[] Kinds = new byte[65536];
    private static readonly uint[] Lowered = new uint[65536]; // by char: its invariant lower case, and that one's kind << 16
    private static readonly byte[] Scripts = new byte[65536];
    private static readonly ushort[] Rules = new ushort[65536];
    private static readonly List<char> RuleChars = ['\0'];

    static CharInfo()
    {
        for (var i = 0; i < 65536; i++)
        {
            var ch = (char)i;
            var script = ScriptOf(ch);
            Scripts[i] = (byte)script;
            Kinds[i] = char.GetUnicodeCategory(ch) switch
            {
                UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                    or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                    or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
                    or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Drop,
                _ when char.IsWhiteSpace(ch) => Space,
                UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter,
                _ => 0,
            };
            if (script is not (UnicodeScript.Latin or UnicodeScript.Common or UnicodeScript.Inherited or UnicodeScript.Unknown))
                Kinds[i] |= Special;
            if (script == UnicodeScript.Latin && (Kinds[i] & Letter) != 0) Kinds[i] |= LatinLetter;
            // Lingua splits words at every char of a script Chinese, Japanese or Korean is written in.
            if (!char.IsWhiteSpace(ch) && script is UnicodeScript.Han or UnicodeScript.Hiragana or UnicodeScript.Katakana or UnicodeScript.Hangul)
                Kinds[i] |= Logogram;
        }
        var named = LinguaFacts.AllLanguages.Select(l => l.UniqueCharacters() ?? "")
            .Concat(LinguaFacts.SharedChars.Select(e => e.Chars));
        foreach (var ch in named.SelectMany(s => s).Distinct())
        {
            Rules[ch] = (ushort)RuleChars.Count;
            Kinds[ch] |= Special;
            RuleChars.Add(ch);
        }
        for (var i = 0; i < 65536; i++)
        {
            var lower = char.ToLowerInvariant((char)i);
            Lowered[i] = lower | (uint)Kinds[lower] << 16;
        }
    }

    /// <summary>The char lower-cased (invariant, as Lingua's clean-up does) and the lower-case char's kind.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static (char Lower, byte Kind) Lower(char ch)
    {
        var folded = Lowered[ch];
        return ((char)folded, (byte)(folded >> 16));
    }

    public static int RuleCount => RuleChars.Count;
    public static char RuleChar(int rule) => RuleChars[rule];
    public static byte Kind(char ch) => Kinds[ch];
    public static int Script(char ch) => Scripts[ch];
    public static int Rule(char ch) => Rules[ch];

    private static UnicodeScript ScriptOf(char ch)
    {
        try { return ch.GetScript(); }
        catch (ArgumentException) { return UnicodeScript.Unknown; }
    }
}
