using Refinery.Contracts.Signals;
using Refinery.Quality.Formats;
using Refinery.Quality.Models;
using Refinery.TestSupport;

namespace Refinery.Signals.Tests.Consumers;

/// <summary>With Refinery:Signals:Models on, the service loads the newest substitute models from the object store and
/// writes the model-based signals as extra columns, recording each model's version with the shard.</summary>
public sealed class ModelSignalsTests : IAsyncLifetime
{
    private ServiceTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SignalsTestHost.StartAsync(new Dictionary<string, string?>
    {
        ["Refinery:Signals:Models"] = "true",
        ["Refinery:Signals:Config"] = "rpv2-models",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ModelsInTheStore_AddTheModelSignalColumns_AndTheirVersions()
    {
        var reference = DocumentShards.EnglishTexts(30).ToList();
        var web = Enumerable.Range(0, 30).Select(i => $"BUY NOW {i}!!! cheap pills $$$ click here http://spam.example/{i} FREE FREE FREE").ToList();
        var model = SignalModelBuilder.BuildDsir(new ModelBuildInputs
        {
            Name = "books", Reference = reference, Web = web, CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        });
        await SignalModelRepository.SaveAsync(_host.Store, model);
        var shard = await DocumentShards.PutAsync(_host.Store, "books", 0, DocumentShards.EnglishDocuments(10));

        await _host.Harness.Bus.Publish(shard);

        var computed = Assert.Single(await _host.PublishedAsync<ShardSignalsComputed>(1));
        Assert.Equal(model.Header.Version, computed.Resources["model:dsir/books/en"]);
        await using var stream = await _host.Store.OpenReadAsync(computed.Signals.Key);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        copy.Position = 0;
        await using var reader = await SignalParquetReader.OpenAsync(copy);
        Assert.Equal(ModelSignalSet.SignalNames, reader.Info.ExtraSignals);
        var rows = await reader.ReadAsync().ToListAsync();
        Assert.Equal(10, rows.Count);
        var books = ModelSignalSet.SignalNames.ToList().IndexOf("rps_doc_books_importance");
        var perplexity = ModelSignalSet.SignalNames.ToList().IndexOf("ccnet_perplexity");
        Assert.All(rows, r => Assert.False(double.IsNaN(r.Extra[books])));
        Assert.All(rows, r => Assert.True(double.IsNaN(r.Extra[perplexity]))); // no language model in the store
    }
}
