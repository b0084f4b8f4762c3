using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Refinery.Ingestion.Text;

/// <summary>Turns an HTML page into its main text, one block a line: drops scripts, navigation, menus, footers,
/// sidebars, cookie banners, comments and link lists, and prefers &lt;main&gt;/&lt;article&gt; when they hold the content.</summary>
/// <remarks>A light cousin of trafilatura / resiliparse main-content extraction: tag rules, class/id/role rules and
/// line link density. It never adds the &lt;title&gt;. Thread-safe (one parser per thread).</remarks>
public static class HtmlTextExtractor
{
    /// <summary>A line whose characters are at least this share link text is navigation, not prose (headings excepted).</summary>
    private const double MaxLinkDensity = 0.8;

    /// <summary>A page's own &lt;header&gt; (outside &lt;main&gt;/&lt;article&gt;) with fewer lines or less text than
    /// these is its banner (site name, a tagline or intro, a few links) and is dropped; one with more is the document's
    /// opening, as the UDHR's preamble is (a heading and several paragraphs, 475 characters in Chinese).</summary>
    private const int MinPageHeaderLines = 4, MinPageHeaderText = 200;

    // HTML's whitespace is ASCII only: a no-break space is text ("Article 1 :" keeps its NBSP), though a line never
    // starts or ends with one and a line of nothing else is empty.
    private static readonly SearchValues<char> Whitespace = SearchValues.Create("\t\n\f\r ");

    [ThreadStatic] private static HtmlParser? t_parser;
    [ThreadStatic] private static Dictionary<string, bool>? t_classCache;

    private static readonly FrozenSet<string> DroppedTags = new[]
    {
        "script", "style", "noscript", "template", "svg", "iframe", "frame", "frameset", "form", "nav", "footer", "aside",
        "button", "select", "input", "textarea", "object", "embed", "canvas", "video", "audio", "map", "head", "title",
        "meta", "link", "option", "datalist", "dialog", "menu", "math", "img", "picture", "source", "track", "param",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> BlockTags = new[]
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
        "legend", "li", "listing", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul", "caption", "xmp", "plaintext",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> DroppedRoles = new[]
    {
        "navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "menuitem", "search", "dialog",
        "alertdialog", "toolbar", "tablist", "note", "button",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Parts of a class or id (split on '-' and '_') that mark boilerplate.
    private static readonly FrozenSet<string> BoilerplateParts = new[]
    {
        "nav", "navbar", "navbox", "navi", "navigation", "navframe", "menu", "menus", "menubar", "submenu", "dropdown",
        "breadcrumb", "breadcrumbs", "footer", "sidebar", "sidenav", "cookie", "cookies", "consent", "gdpr", "share",
        "sharing", "social", "comment", "comments", "disqus", "related", "advert", "advertisement", "ads", "ad", "adsense",
        "sponsor", "sponsored", "popup", "modal", "newsletter", "subscribe", "subscription", "signup", "login", "pagination",
        "pager", "toolbar", "skiplink", "masthead", "copyright", "toc", "editsection", "reference", "references", "reflist",
        "catlinks", "printfooter", "noprint", "hatnote", "ambox", "sistersitebox", "jump", "indicators", "portlet",
        "tagcloud", "sitesub", "contentsub", "screen-reader-text", "visually-hidden", "sr-only",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Substrings of a whole class or id token that mark boilerplate even when glued to other words (cm_mainnavigation).
    private static readonly string[] BoilerplateSubstrings =
    [
        "navigation", "breadcrumb", "sidebar", "cookie", "newsletter", "pagination", "copyright", "sharethis", "addthis",
        "advert", "consent", "footer", "menu", "social",
    ];

    /// <summary>The main text of <paramref name="html"/>, lines separated by '\n'; empty when there is none.</summary>
    public static string Extract(string html)
    {
        var parser = t_parser ??= new HtmlParser(new HtmlParserOptions
        {
            IsScripting = false,
            IsKeepingSourceReferences = false,
        });
        var document = parser.ParseDocument(html);
        return Extract(document);
    }

    /// <summary>The main text of an already parsed document.</summary>
    public static string Extract(IDocument document)
    {
        var body = (INode?)document.Body ?? document.DocumentElement;
        if (body is null) return "";

        // One pass gives the whole page and, as slices of it, the text of every <main>, <article> and role=main element.
        var candidates = new List<(int Start, int End)>();
        var whole = Walk(body, strict: true, candidates);
        var chosen = (Start: 0, End: whole.Length);
        var chosenLength = -1;
        foreach (var (start, end) in candidates)
        {
            var length = Math.Min(end, whole.Length) - start;
            // A <main>/<article> wins when it holds a fair share of the page's text: a teaser <article> in a sidebar does not.
            if (length > 0 && length >= whole.Length / 4 && length > chosenLength) (chosen, chosenLength) = ((start, end), length);
        }
        var best = chosenLength < 0 ? whole : whole[chosen.Start..Math.Min(chosen.End, whole.Length)].TrimEnd('\n');

        // Class rules misfire on pages whose wrapper says e.g. "page with-sidebar": if they erased almost everything,
        // fall back to tag rules alone.
        if (best.Length < 500)
        {
            var lenient = Walk(body, strict: false);
            if (lenient.Length > 5 * best.Length + 200) best = lenient;
        }
        return best;
    }

    private static string Walk(INode root, bool strict, List<(int Start, int End)>? candidates = null)
    {
        var sink = new TextSink();
        var open = candidates is null ? null : new Stack<int>();
        var stack = new Stack<(INode Node, bool Exit)>();
        stack.Push((root, false));
        var pageHeaders = new Stack<int>();
        int linkDepth = 0, preDepth = 0, headingDepth = 0, contentDepth = 0;
        var isRoot = true;

        while (stack.Count > 0)
        {
            var (node, exit) = stack.Pop();
            if (node is IElement element)
            {
                var name = element.LocalName;
                if (exit)
                {
                    if (name == "a") linkDepth--;
                    else if (name == "pre") preDepth--;
                    else if (IsHeading(name)) headingDepth--;
                    if (name is "article" or "main") contentDepth--;
                    if (BlockTags.Contains(name)) sink.Break();
                    if (open is not null && IsContentRoot(element, name)) candidates!.Add((open.Pop(), sink.Length));
                    if (name == "header" && contentDepth == 0 && pageHeaders.Pop() is var start && !sink.IsProse(start))
                    {
                        sink.Truncate(start);
                        candidates?.RemoveAll(c => c.Start >= start);
                    }
                    continue;
                }

                if (!isRoot && IsDropped(element, name, strict)) continue;
                isRoot = false;
                if (name == "br")
                {
                    sink.Break();
                    continue;
                }
                if (BlockTags.Contains(name)) sink.Break();
                if (name == "header" && contentDepth == 0) pageHeaders.Push(sink.Length);
                if (open is not null && IsContentRoot(element, name)) open.Push(sink.Length);
                if (name == "a") linkDepth++;
                else if (name == "pre") preDepth++;
                else if (IsHeading(name)) headingDepth++;
                if (name is "article" or "main") contentDepth++;

                stack.Push((node, true));
                PushChildren(stack, node);
            }
            else if (node is IText text)
            {
                sink.Append(text.Data, linkDepth > 0, preDepth > 0, headingDepth > 0);
            }
            else
            {
                isRoot = false;
                PushChildren(stack, node);
            }
        }
        return sink.ToString();
    }

    // By index: AngleSharp's PreviousSibling searches the parent's child list, which is quadratic on wide nodes.
    private static void PushChildren(Stack<(INode Node, bool Exit)> stack, INode node)
    {
        var children = node.ChildNodes;
        for (var i = children.Length - 1; i >= 0; i--)
        {
            var child = children[i];
            if (child.NodeType is NodeType.Element or NodeType.Text) stack.Push((child, false));
        }
    }

    private static bool IsContentRoot(IElement element, string name) =>
        name is "main" or "article" ||
        (element.GetAttribute("role") is { } role && role.Equals("main", StringComparison.OrdinalIgnoreCase));

    private static bool IsHeading(string name) =>
        name.Length == 2 && name[0] == 'h' && name[1] is >= '1' and <= '6';

    private static bool IsDropped(IElement element, string name, bool strict)
    {
        if (DroppedTags.Contains(name)) return true;
        var attributes = element.Attributes;
        if (attributes.Length == 0) return false;

        string? cssClass = null, id = null;
        foreach (var attribute in attributes)
        {
            switch (attribute.Name)
            {
                case "hidden":
                    return true;
                case "aria-hidden" when attribute.Value.Equals("true", StringComparison.OrdinalIgnoreCase):
                    return true;
                case "style" when HidesElement(attribute.Value):
                    return true;
                case "role" when DroppedRoles.Contains(attribute.Value.Trim()):
                    return true;
                case "class":
                    cssClass = attribute.Value;
                    break;
                case "id":
                    id = attribute.Value;
                    break;
            }
        }
        if (!strict || name is "body" or "html" or "main" or "article") return false;
        return IsBoilerplateName(cssClass) || IsBoilerplateName(id);
    }

    private static bool HidesElement(string style)
    {
        if (!style.Contains("display", StringComparison.OrdinalIgnoreCase) && !style.Contains("visibility", StringComparison.OrdinalIgnoreCase))
            return false;
        var compact = style.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        return compact.Contains("display:none", StringComparison.Ordinal) || compact.Contains("visibility:hidden", StringComparison.Ordinal);
    }

    private static bool IsBoilerplateName(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return false;
        var cache = t_classCache ??= new Dictionary<string, bool>(StringComparer.Ordinal);
        if (cache.TryGetValue(value, out var known)) return known;
        if (cache.Count > 8192) cache.Clear();
        return cache[value] = ComputeIsBoilerplate(value);
    }

    private static bool ComputeIsBoilerplate(string value)
    {
        foreach (var rawToken in value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var token = rawToken.ToLowerInvariant();
            // "has-sidebar", "no-comments", "with-share": a layout flag on a wrapper, not the boilerplate itself.
            if (token.StartsWith("has-", StringComparison.Ordinal) || token.StartsWith("no-", StringComparison.Ordinal) ||
                token.StartsWith("with-", StringComparison.Ordinal) || token.StartsWith("without-", StringComparison.Ordinal))
                continue;
            if (BoilerplateParts.Contains(token)) return true;
            foreach (var part in token.Split(['-', '_'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (BoilerplateParts.Contains(part)) return true;
            }
            foreach (var word in BoilerplateSubstrings)
            {
                if (token.Contains(word, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }

    /// <summary>Builds the output in place: a line is written as text arrives and rolled back if it ends empty or mostly links.</summary>
    private sealed class TextSink
    {
        private readonly StringBuilder _out = new();
        private int _lineStart;
        private int _chars;
        private int _linkChars;
        private bool _heading;
        private bool _pendingSpace;

        /// <summary>Characters written so far, complete lines only when called right after <see cref="Break"/>.</summary>
        public int Length => _out.Length;

        public void Append(string data, bool inLink, bool inPre, bool inHeading)
        {
            var rest = data.AsSpan();
            while (!rest.IsEmpty)
            {
                var space = rest.IndexOfAny(Whitespace);
                var word = space < 0 ? rest : rest[..space];
                // A line starts with text, not with a no-break space.
                if (_chars == 0) word = word.TrimStart();
                if (!word.IsEmpty)
                {
                    if (_pendingSpace)
                    {
                        _out.Append(' ');
                        _pendingSpace = false;
                    }
                    _out.Append(word);
                    _chars += word.Length;
                    if (inLink) _linkChars += word.Length;
                    if (inHeading) _heading = true;
                }
                if (space < 0) break;
                if (inPre && rest[space] == '\n') Break();
                else if (_chars > 0) _pendingSpace = true;
                rest = rest[(space + 1)..];
            }
        }

        public void Break()
        {
            while (_out.Length > _lineStart && char.IsWhiteSpace(_out[_out.Length - 1])) _out.Length--;
            if (_chars == 0 || (!_heading && _linkChars >= MaxLinkDensity * _chars))
                _out.Length = _lineStart;
            else
                _out.Append('\n');
            _lineStart = _out.Length;
            _chars = 0;
            _linkChars = 0;
            _heading = false;
            _pendingSpace = false;
        }

        /// <summary>Whether the complete lines written from <paramref name="start"/> on are many and long enough to be
        /// prose rather than a banner.</summary>
        public bool IsProse(int start)
        {
            if (_out.Length - start < MinPageHeaderText) return false;
            var lines = 0;
            for (var i = start; i < _out.Length && lines < MinPageHeaderLines; i++)
                if (_out[i] == '\n') lines++;
            return lines >= MinPageHeaderLines;
        }

        /// <summary>Drops everything written from <paramref name="length"/> on; call right after <see cref="Break"/>.</summary>
        public void Truncate(int length)
        {
            _out.Length = Math.Min(_out.Length, length);
            _lineStart = _out.Length;
        }

        public override string ToString()
        {
            Break();
            var length = _out.Length;
            if (length > 0 && _out[length - 1] == '\n') length--;
            return _out.ToString(0, length);
        }
    }
}
