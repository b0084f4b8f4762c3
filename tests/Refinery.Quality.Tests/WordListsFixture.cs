using Refinery.Quality.Resources;
using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Tests;

/// <summary>The RPv2 word lists, fetched from npm into the user's cache once per test run.</summary>
public sealed class WordListsFixture : IAsyncLifetime
{
    public Rpv2Resources Resources { get; private set; } = Rpv2Resources.Empty;

    public async Task InitializeAsync() =>
        Resources = await Rpv2WordLists.LoadAsync(RefineryCache.DefaultDirectory(), _ => { }, CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class WordListsCollection : ICollectionFixture<WordListsFixture>
{
    public const string Name = "word lists";
}
