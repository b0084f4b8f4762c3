using Refinery.Host.Cli;
using Xunit;

namespace Refinery.Host.Tests.Cli;

/// <summary>The verb table builds the command a user names, under the name the table gives it, and the whole tree
/// whenever no single verb is named, so help and typo suggestions still list every verb.</summary>
public sealed class VerbsTests
{
    [Fact]
    public void EveryVerb_BuildsTheCommandOfItsName()
    {
        foreach (var verb in Verbs.All)
            Assert.Equal(verb.Name, verb.Create().Name);
        Assert.Equal(Verbs.All.Count, Verbs.All.Select(v => v.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("dedup")]
    [InlineData("bench")]
    [InlineData("serve")]
    public void NamedVerb_IsTheOnlyCommandBuilt(string verb)
    {
        var root = Verbs.Root([verb, "--help"]);
        Assert.Equal([verb], root.Subcommands.Select(c => c.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--help")]
    [InlineData("dedupp x.jsonl")]
    public void NoSingleVerb_BuildsEveryVerb(string commandLine)
    {
        var root = Verbs.Root(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(Verbs.All.Select(v => v.Name), root.Subcommands.Select(c => c.Name));
    }

    [Fact]
    public void NamedVerb_ParsesItsArgumentsAsTheWholeTreeDoes()
    {
        string[] args = ["dedup", "in.jsonl", "--threshold", "0.8", "-o", "out.jsonl"];
        var alone = Verbs.Root(args).Parse(args);
        var whole = Verbs.Root([]).Parse(args);
        Assert.Empty(alone.Errors);
        Assert.Empty(whole.Errors);
        Assert.Equal(whole.CommandResult.Command.Name, alone.CommandResult.Command.Name);
        Assert.Equal(whole.Tokens.Select(t => t.Value), alone.Tokens.Select(t => t.Value));
    }
}
