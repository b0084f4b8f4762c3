using Refinery.Quality.Resources;
using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Tests.Rpv2;

public sealed class Ut1DomainListTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refinery-ut1-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CombinationIds_FollowItertoolsOrder_AndCount8191()
    {
        Assert.Equal(0, Ut1DomainList.IdOf(["adult"]));
        Assert.Equal(12, Ut1DomainList.IdOf(["violence"]));
        Assert.Equal(13, Ut1DomainList.IdOf(["agressif", "adult"])); // (adult, agressif): the first pair
        Assert.Equal(8190, Ut1DomainList.IdOf(Ut1DomainList.Categories));
        Assert.Null(Ut1DomainList.IdOf(["shopping"]));
    }

    [Fact]
    public void Ut1Directory_MapsEachDomainToItsCategoryCombination_AndTheSignalUsesTheNetloc()
    {
        foreach (var (category, domains) in new[] { ("adult", "bad.example\nboth.example\n"), ("gambling", "both.example\n"), ("shopping", "shop.example\n") })
        {
            Directory.CreateDirectory(Path.Combine(_dir, category));
            File.WriteAllText(Path.Combine(_dir, category, "domains"), domains);
        }
        var map = Ut1DomainList.Load(_dir);

        Assert.Equal(Ut1DomainList.IdOf(["adult", "gambling"]), map["both.example"]);
        Assert.False(map.ContainsKey("shop.example")); // not one of RPv2's 13 categories
        var resources = new Rpv2Resources { StopWords = Rpv2Resources.Empty.StopWords, BadWords = Rpv2Resources.Empty.BadWords, Versions = Rpv2Resources.Empty.Versions, Ut1Domains = map };
        var computer = new Rpv2SignalComputer(resources);
        double Signal(string url) => computer.Compute(new SignalDocument("d", "text", url, "en")).Document[Rpv2Catalog.Find("rps_doc_ut1_blacklist")!.Index];
        Assert.Equal(0, Signal("https://bad.example/page"));
        Assert.True(double.IsNaN(Signal("https://www.bad.example/"))); // www. is kept, as RPv2 keeps it
    }

    [Fact]
    public void TabSeparatedList_WithoutATab_NamesFileAndLine()
    {
        var file = Path.Combine(_dir, "ut1.tsv");
        File.WriteAllText(file, "ok.example\tporn\nbroken line\n");
        var error = Assert.Throws<InvalidDataException>(() => Ut1DomainList.Load(file));
        Assert.Contains("ut1.tsv:2", error.Message);
    }
}
