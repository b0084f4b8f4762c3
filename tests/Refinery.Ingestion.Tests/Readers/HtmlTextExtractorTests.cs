using Refinery.Ingestion.Text;

namespace Refinery.Ingestion.Tests.Readers;

public sealed class HtmlTextExtractorTests
{
    private static string Page(string name) => HtmlTextExtractor.Extract(File.ReadAllText(SharedData.Web("html", name)));

    [Fact]
    public void Html_WikipediaLanguageModel_IsTheArticleBodyWithoutChrome()
    {
        var text = Page("dclm_wikipedia_page1.html");

        Assert.StartsWith("Language model\nA language model is a probability distribution over sequences of words.", text);
        Assert.Contains("\nModel types\nn-gram\nAn n-gram language model is a language model that models sequences of words as a Markov process.", text);
        foreach (var chrome in new[] { "Jump to content", "Main menu", "[edit]", "Retrieved from", "Privacy policy", "From Wikipedia, the free encyclopedia", "Toggle" })
            Assert.DoesNotContain(chrome, text);
        Assert.DoesNotMatch(@"\[\d+\]", text);   // reference markers
    }

    [Fact]
    public void Html_WikipediaEarthsCrust_StartsWithTheLead()
    {
        var text = Page("dclm_wikipedia_page3.html");

        Assert.StartsWith("Earth's crust\n", text);
        Assert.Contains("Earth's crust is Earth's thick outer shell of rock, referring to less than 1% of Earth's radius and volume.", text);
        Assert.Contains("Mohorovičić discontinuity", text);
    }

    [Fact]
    public void Html_WikipediaGabbro_KeepsHeadingsAndParagraphs()
    {
        var text = Page("dclm_wikipedia_page5.html");

        Assert.Contains("Gabbro (/ˈɡæb.roʊ/) is a phaneritic (coarse-grained), mafic intrusive igneous rock", text);
        Assert.Contains("\nEtymology\nThe term \"gabbro\" was used in the 1760s", text);
        Assert.DoesNotContain("Categories:", text);
    }

    [Fact]
    public void Html_ChineseSeoSpam_KeepsTheArticleHeaderAndDropsLinkLists()
    {
        var text = Page("dclm_common_crawl_page2.html");

        Assert.Equal("当前位置：首页 > 技术资讯\n福建开创食品安全监管工作新局面\n发布时间：2022-07-05 21:41:14 阅读：次 来源：卡纸厂家\n相关阅读", text);
    }

    [Fact]
    public void Html_SmallCompanyPage_KeepsContentAndDropsNavigationAndFooter()
    {
        var text = Page("dclm_common_crawl_page5.html");

        Assert.Contains("Vetlanda Svarv & Fräs bearbetar detaljer i stål, järn, aluminium och plast, enstyck eller mindre serier.", text);
        Assert.Contains("Jag finns nu i min nya verkstad. Välkommen att kika in.", text);
        Assert.DoesNotContain("Kontor och lokaler", text);   // menu
        Assert.DoesNotContain("Kontakta", text);             // footer links
        Assert.DoesNotContain("&amp;", text);
    }

    [Theory]
    [InlineData("dclm_common_crawl_page1.html", "软件功能")]
    [InlineData("dclm_common_crawl_page3.html", "Серада\u00A022\u00A0сакавіка\u00A02023\u00A0г.")]   // written with &nbsp;
    [InlineData("dclm_common_crawl_page4.html", "当前位置：首页 > 公司简介")]
    public void Html_CommonCrawlPages_GiveCleanLines(string page, string expected)
    {
        var text = Page(page);

        Assert.Contains(expected, text);
        Assert.DoesNotContain("<script", text);
        Assert.DoesNotContain("\n\n", text);
        Assert.All(text.Split('\n'), line => Assert.Equal(line.Trim(), line));
        Assert.All(text.Split('\n'), line => Assert.NotEqual("", line));
    }

    [Fact]
    public void Html_BlockElements_BecomeLinesAndWhitespaceCollapses()
    {
        const string html = """
            <html><body>
            <p>a   b
               c&nbsp;&amp; d</p><ul><li>one</li><li>two <b>bold</b></li></ul>x<br>y
            <table><tr><td>c1</td><td>c2</td></tr></table><pre>l1
            l2</pre><h2>Title</h2>
            </body></html>
            """;

        Assert.Equal("a b c\u00A0& d\none\ntwo bold\nx\ny\nc1\nc2\nl1\nl2\nTitle", HtmlTextExtractor.Extract(html));
    }

    [Fact]
    public void Html_ScriptsStylesHiddenAndForms_AreDropped()
    {
        const string html = """
            <body><script>alert('x')</script><style>p{}</style><noscript>enable js</noscript>
            <p>visible text</p><p hidden>hidden attr</p><p style="display: none">hidden style</p><div aria-hidden="true">aria</div>
            <form><label>Name</label><input value="v"></form><template><p>tpl</p></template><svg><text>svg</text></svg></body>
            """;

        Assert.Equal("visible text", HtmlTextExtractor.Extract(html));
    }

    [Fact]
    public void Html_BoilerplateByClassIdAndRole_IsDropped()
    {
        const string html = """
            <body class="home has-sidebar">
            <div id="cookie-banner">We use cookies to improve your experience, accept them all.</div>
            <div class="site-header"><div class="main-menu">Products Services About</div></div>
            <div class="breadcrumbs">Home / Blog</div>
            <div class="content"><p>The actual story is told in this paragraph with enough words.</p>
            <div class="share-buttons">Share on Twitter Share on Facebook</div></div>
            <div role="complementary">Popular posts this week and more</div>
            <div id="comments"><p>Great post!</p></div>
            <div class="footer-widgets">Copyright 2024 Example Inc.</div>
            </body>
            """;

        Assert.Equal("The actual story is told in this paragraph with enough words.", HtmlTextExtractor.Extract(html));
    }

    [Fact]
    public void Html_SubstantialMainElement_IsPreferredOverTheRestOfTheBody()
    {
        var article = string.Join("", Enumerable.Range(1, 5).Select(i => $"<p>Paragraph {i} of the article body, long enough to matter.</p>"));
        var html = $"<body><div class='promo'>Buy our product today at a discount price for you</div><main>{article}</main><div>Unrelated trailing block</div></body>";

        var text = HtmlTextExtractor.Extract(html);

        Assert.Equal(string.Join("\n", Enumerable.Range(1, 5).Select(i => $"Paragraph {i} of the article body, long enough to matter.")), text);
    }

    [Fact]
    public void Html_LinkOnlyLines_AreDroppedButLinkHeadingsStay()
    {
        const string html = """
            <body><h2><a href="/post">A linked post title</a></h2><p>Intro with <a href="/x">one link</a> inside prose.</p>
            <ul><li><a href="/a">Archive</a></li><li><a href="/b">Tags</a></li></ul></body>
            """;

        Assert.Equal("A linked post title\nIntro with one link inside prose.", HtmlTextExtractor.Extract(html));
    }

    [Fact]
    public void Html_DeeplyNestedMarkup_DoesNotOverflowTheStack()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 20_000)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", 20_000));

        Assert.Equal("deep text", HtmlTextExtractor.Extract(html));
    }

    [Fact]
    public void Html_NoBreakSpace_IsTextButNeverStartsOrEndsALine()
    {
        const string html = "<body><p>Article&nbsp;1 :</p><p>&nbsp;</p><p>&nbsp; edges&nbsp;</p></body>";

        Assert.Equal("Article\u00A01 :\nedges", HtmlTextExtractor.Extract(html));
    }

    [Fact]
    public void Html_PageHeaderHoldingProse_IsKeptWithCommentsStylesAndEntitiesHandled()
    {
        var preamble = string.Join("", Enumerable.Range(1, 4).Select(i => $"<p>Whereas recital {i} &#x26; its dignity are &lt;recognised&gt; by all the peoples,</p>"));
        var html = $"""
            <!doctype html>
            <html lang="en"><head><title>English</title><style>p {"{"} color: red {"}"}</style></head>
            <body>
              <h1>Universal   Declaration</h1>
              <header><h2>Preamble</h2>{preamble}<!-- a comment --></header>
              <article><h2>Article 1</h2><ol><li><p>One &lt;two&gt;</p></li><li>Three</li></ol></article>
            </body></html>
            """;

        var expected = "Universal Declaration\nPreamble\n" +
                       string.Join("\n", Enumerable.Range(1, 4).Select(i => $"Whereas recital {i} & its dignity are <recognised> by all the peoples,")) +
                       "\nArticle 1\nOne <two>\nThree";
        Assert.Equal(expected, HtmlTextExtractor.Extract(html));
    }

    [Fact]
    public void Html_PageHeaderBanner_IsDroppedButAnArticlesHeaderStays()
    {
        const string html = """
            <body><header><a href="/">Example News</a><p>All the news, all the time</p></header>
            <article><header><h1>Storm hits the coast</h1><p>By A. Reporter</p></header>
            <p>The storm reached the coast on Monday night and closed the harbour for two days.</p></article></body>
            """;

        Assert.Equal("Storm hits the coast\nBy A. Reporter\nThe storm reached the coast on Monday night and closed the harbour for two days.",
            HtmlTextExtractor.Extract(html));
    }
}
