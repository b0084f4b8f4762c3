using System.Text.Json;

namespace Refinery.EndToEndTests;

/// <summary>The RedPajama-V2 dataset card's gopher_rules_pass written out over a golden signals record: the name of the
/// first rule a document fails, or null when it passes (a null value fails a keep condition, never triggers a drop).</summary>
public static class GoldenGopher
{
    public static double Doc(JsonElement r, string name) =>
        r.GetProperty("quality_signals").GetProperty(name)[0][2] is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : double.NaN;

    public static double[] Lines(JsonElement r, string name) => r.GetProperty("quality_signals").GetProperty(name).EnumerateArray()
        .Select(s => s[2].ValueKind == JsonValueKind.Number ? s[2].GetDouble() : double.NaN).ToArray();

    public static string? RemovedBy(JsonElement r)
    {
        var words = Doc(r, "rps_doc_word_count");
        if (!(words >= 50 && words <= 100_000)) return "word_count";
        var mean = Doc(r, "rps_doc_mean_word_length");
        if (!(mean >= 3 && mean <= 10)) return "mean_word_length";
        if (Doc(r, "rps_doc_symbol_to_word_ratio") > 0.1) return "symbol_word_ratio";
        var bullets = Lines(r, "rps_lines_start_with_bulletpoint");
        if (bullets.Length > 0 && bullets.Where(v => !double.IsNaN(v)).Sum() / bullets.Length > 0.9) return "bullet_lines";
        if (Doc(r, "rps_doc_frac_chars_top_2gram") > 0.2) return "top_2gram";
        return null;
    }
}
