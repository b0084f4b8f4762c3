using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Ingestion;
using ZstdSharp;

namespace Refinery.Gateway.Tests;

public sealed class DocumentsTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private async Task<Guid> KnownCorpusAsync(string name)
    {
        var id = CorpusNames.IdOf(name);
        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 1 });
        await gateway.EventuallyAsync($"/api/corpora/{id}", _ => true);
        return id;
    }

    private async Task WriteShardAsync(string name, int shard, int documents)
    {
        var jsonl = new StringBuilder();
        for (var i = 0; i < documents; i++)
            jsonl.Append($"{{\"id\":\"doc-{i}\",\"text\":\"Text number {i} – naïve\",\"url\":null,\"lang\":\"en\",\"lang_score\":0.9,\"source\":\"a.jsonl\",\"meta\":{{}}}}\n");
        using var compressed = new MemoryStream();
        await using (var zstd = new CompressionStream(compressed, 3, leaveOpen: true))
            await zstd.WriteAsync(Encoding.UTF8.GetBytes(jsonl.ToString()));
        compressed.Position = 0;
        await gateway.Store.PutAsync($"docs/{name}/{shard:D5}.jsonl.zst", compressed);
    }

    [Fact]
    public async Task Documents_ReturnsTheFirstDocumentsOfTheShard()
    {
        var id = await KnownCorpusAsync("docs-preview");
        await WriteShardAsync("docs-preview", 1, 30);

        var docs = await gateway.Client().GetFromJsonAsync<JsonElement[]>($"/api/corpora/{id}/documents?shard=1&limit=5");

        Assert.NotNull(docs);
        Assert.Equal(["doc-0", "doc-1", "doc-2", "doc-3", "doc-4"], docs.Select(d => d.GetProperty("id").GetString()));
        Assert.Equal("Text number 3 – naïve", docs[3].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Documents_DefaultsToShardZeroAndTwenty()
    {
        var id = await KnownCorpusAsync("docs-defaults");
        await WriteShardAsync("docs-defaults", 0, 25);

        var docs = await gateway.Client().GetFromJsonAsync<JsonElement[]>($"/api/corpora/{id}/documents");

        Assert.Equal(20, docs!.Length);
    }

    [Fact]
    public async Task Documents_UnknownShard_Is404Problem()
    {
        var id = await KnownCorpusAsync("docs-no-shard");

        using var response = await gateway.Client().GetAsync($"/api/corpora/{id}/documents?shard=7");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("00007", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Documents_UnknownCorpus_Is404Problem()
    {
        using var response = await gateway.Client().GetAsync($"/api/corpora/{Guid.NewGuid()}/documents");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Documents_LimitAboveMaximum_Is400NamingLimit()
    {
        var id = await KnownCorpusAsync("docs-limit");

        using var response = await gateway.Client().GetAsync($"/api/corpora/{id}/documents?limit=1001");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task Documents_CorruptShard_IsAProblemNotACrash()
    {
        var id = await KnownCorpusAsync("docs-corrupt");
        await gateway.Store.PutAsync("docs/docs-corrupt/00000.jsonl.zst", new MemoryStream("this is not zstd at all"u8.ToArray()));

        using var response = await gateway.Client().GetAsync($"/api/corpora/{id}/documents");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
