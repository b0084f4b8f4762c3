using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Tests.Rpv2;

public sealed class Rpv2CatalogTests
{
    [Fact]
    public void IndexConstants_PointAtTheSignalsTheyName()
    {
        string Doc(int i) => Rpv2Catalog.DocumentSignals[i].Name;
        Assert.Equal(23, Rpv2Catalog.DocumentSignals.Count);
        Assert.Equal(6, Rpv2Catalog.LineSignals.Count);
        Assert.Equal(Rpv2Catalog.Doc.Count, Rpv2Catalog.DocumentSignals.Count);
        Assert.Equal(Rpv2Catalog.Line.Count, Rpv2Catalog.LineSignals.Count);
        Assert.Equal("rps_doc_curly_bracket", Doc(Rpv2Catalog.Doc.CurlyBracket));
        Assert.Equal("rps_doc_ldnoobw_words", Doc(Rpv2Catalog.Doc.LdnoobwWords));
        Assert.Equal("rps_doc_lorem_ipsum", Doc(Rpv2Catalog.Doc.LoremIpsum));
        Assert.Equal("rps_doc_stop_word_fraction", Doc(Rpv2Catalog.Doc.StopWordFraction));
        Assert.Equal("rps_doc_ut1_blacklist", Doc(Rpv2Catalog.Doc.Ut1Blacklist));
        Assert.Equal("rps_doc_frac_chars_dupe_10grams", Doc(Rpv2Catalog.Doc.DupeFirst));
        Assert.Equal("rps_doc_frac_chars_dupe_9grams", Doc(Rpv2Catalog.Doc.DupeFirst + 5));
        Assert.Equal("rps_doc_frac_chars_top_2gram", Doc(Rpv2Catalog.Doc.TopFirst));
        Assert.Equal("rps_doc_frac_chars_top_4gram", Doc(Rpv2Catalog.Doc.TopFirst + 2));
        Assert.Equal("rps_doc_frac_all_caps_words", Doc(Rpv2Catalog.Doc.AllCaps));
        Assert.Equal("rps_doc_frac_lines_end_with_ellipsis", Doc(Rpv2Catalog.Doc.Ellipsis));
        Assert.Equal("rps_doc_frac_no_alph_words", Doc(Rpv2Catalog.Doc.NoAlph));
        Assert.Equal("rps_doc_frac_unique_words", Doc(Rpv2Catalog.Doc.UniqueWords));
        Assert.Equal("rps_doc_mean_word_length", Doc(Rpv2Catalog.Doc.MeanWordLength));
        Assert.Equal("rps_doc_num_sentences", Doc(Rpv2Catalog.Doc.NumSentences));
        Assert.Equal("rps_doc_symbol_to_word_ratio", Doc(Rpv2Catalog.Doc.SymbolToWord));
        Assert.Equal("rps_doc_unigram_entropy", Doc(Rpv2Catalog.Doc.UnigramEntropy));
        Assert.Equal("rps_doc_word_count", Doc(Rpv2Catalog.Doc.WordCount));
        Assert.Equal("rps_lines_ending_with_terminal_punctution_mark", Rpv2Catalog.LineSignals[Rpv2Catalog.Line.TerminalPunctuation].Name);
        Assert.Equal("rps_lines_javascript_counts", Rpv2Catalog.LineSignals[Rpv2Catalog.Line.Javascript].Name);
        Assert.Equal("rps_lines_num_words", Rpv2Catalog.LineSignals[Rpv2Catalog.Line.NumWords].Name);
        Assert.Equal("rps_lines_numerical_chars_fraction", Rpv2Catalog.LineSignals[Rpv2Catalog.Line.NumericalChars].Name);
        Assert.Equal("rps_lines_start_with_bulletpoint", Rpv2Catalog.LineSignals[Rpv2Catalog.Line.Bullet].Name);
        Assert.Equal("rps_lines_uppercase_letter_fraction", Rpv2Catalog.LineSignals[Rpv2Catalog.Line.Uppercase].Name);
    }

    [Fact]
    public void IntSignals_AreTheThreeRpv2WritesAsInts() =>
        Assert.Equal(["rps_doc_ut1_blacklist", "rps_doc_word_count", "rps_lines_num_words"],
            Rpv2Catalog.All.Where(s => s.Type == SignalValueType.Int).Select(s => s.Name));

    [Theory]
    [InlineData("https://www.example.com:8080/a?b#c", "www.example.com:8080")]
    [InlineData("http://example.org", "example.org")]
    [InlineData("//cdn.example.net/x", "cdn.example.net")]
    [InlineData("example.com/path", "")]
    [InlineData("mailto:someone@example.com", "")]
    public void UrlNetloc_IsWhatPythonsUrlparseGives(string url, string netloc) => Assert.Equal(netloc, UrlParts.Netloc(url));
}
