using Refinery.Contracts.Ingestion;

namespace Refinery.Hosting.Tests;

public sealed class CorpusNamesTests
{
    [Theory]
    [InlineData("cc-2024")]
    [InlineData("web.sample_1")]
    [InlineData("a")]
    public void AcceptableNames_HaveNoProblem(string name) => Assert.Null(CorpusNames.Problem(name));

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("-leading")]
    [InlineData("with space")]
    public void UnsafeNames_AreRefused(string name) => Assert.NotNull(CorpusNames.Problem(name));

    [Fact]
    public void LongName_IsRefused() => Assert.NotNull(CorpusNames.Problem(new string('a', 65)));

    [Fact]
    public void Id_IsDerivedFromTheName()
    {
        Assert.Equal(CorpusNames.IdOf("web"), CorpusNames.IdOf("web"));
        Assert.NotEqual(CorpusNames.IdOf("web"), CorpusNames.IdOf("web2"));
        Assert.Equal(8, CorpusNames.IdOf("web").Version);
    }
}
