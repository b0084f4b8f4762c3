using Refinery.Host.Demo;
using Xunit;

namespace Refinery.Host.Tests.Demo;

public sealed class HtmlTextTests
{
    [Fact]
    public void Blocks_become_lines_and_headings_start_after_an_empty_line()
    {
        const string html = """
            <!doctype html>
            <html lang="en"><head><title>English</title><style>p { color: red }</style></head>
            <body>
              <h1>Universal   Declaration</h1>
              <header><h2>Preamble</h2>
                <p>Whereas
                   recognition &#x26; dignity,</p><!-- a comment -->
                <p>Now, therefore,</p>
              </header>
              <article><h2>Article 1</h2><ol><li><p>One &lt;two&gt;</p></li><li>Three</li></ol></article>
            </body></html>
            """;

        Assert.Equal(
            "Universal Declaration\n\nPreamble\nWhereas recognition & dignity,\nNow, therefore,\n\nArticle 1\nOne <two>\nThree",
            HtmlText.ToPlainText(html));
    }

    [Fact]
    public void A_no_break_space_is_text_not_whitespace()
    {
        Assert.Equal("Article\u00A01 :", HtmlText.ToPlainText("<body><p>Article&nbsp;1 :</p></body>"));
    }
}
