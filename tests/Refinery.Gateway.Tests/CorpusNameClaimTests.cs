using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Ingestion;

namespace Refinery.Gateway.Tests;

/// <summary>A corpus name is new, the same content again (idempotent, pointing at the existing corpus), or a conflict
/// (409 naming the corpus): never an overwrite of its raw sources, also under concurrent uploads.</summary>
public abstract class CorpusNameClaimTests(GatewayTestHost gateway)
{
    protected GatewayTestHost Gateway => gateway;

    internal static byte[] Jsonl(string text) => Encoding.UTF8.GetBytes($"{{\"id\":\"a\",\"text\":\"{text}\"}}\n");

    internal static MultipartFormDataContent Upload(string name, byte[] bytes, string fileName = "data.jsonl")
    {
        var form = new MultipartFormDataContent { { new StringContent(name), "name" } };
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "files", fileName);
        return form;
    }

    protected async Task<HttpResponseMessage> PostAsync(HttpContent content) =>
        await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", content);

    protected async Task<Dictionary<string, byte[]>> ObjectsAsync(string prefix)
    {
        var objects = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var info in gateway.Store.ListAsync(prefix))
        {
            await using var stream = await gateway.Store.OpenReadAsync(info.Key);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            objects[info.Key] = copy.ToArray();
        }
        return objects;
    }

    /// <summary>The commands for the corpus once every one sent so far has arrived.</summary>
    protected async Task<int> CommandsAsync(Guid id)
    {
        await gateway.Sent.WaitForAsync(id);
        return await gateway.Sent.SettledCountFor(id);
    }

    private async Task IngestedAsync(string name)
    {
        var id = CorpusNames.IdOf(name);
        await gateway.Bus.Publish(new CorpusIngested
        {
            CorpusId = id, Name = name, ShardCount = 1, Read = 1, Accepted = 1, Rejected = 0, InvalidUtf8Replaced = 0,
            RejectedByReason = new Dictionary<string, long>(), Languages = new Dictionary<string, long>(),
        });
        await gateway.EventuallyAsync($"/api/corpora/{id}", c => c.GetProperty("stage").GetString() == "ingested");
    }

    [Fact]
    public async Task Reupload_OfOtherContentUnderAnIngestedName_Is409NamingIt_AndTheRawSourceIsUnchanged()
    {
        var original = Jsonl("the original");
        using (var first = await PostAsync(Upload("claimed-once", original))) Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await IngestedAsync("claimed-once");

        using var second = await PostAsync(Upload("claimed-once", Jsonl("a replacement")));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("claimed-once", problem.GetProperty("corpus").GetString());
        Assert.Contains("immutable", problem.GetProperty("detail").GetString());
        var raw = await ObjectsAsync("raw/claimed-once/");
        Assert.Equal(original, Assert.Single(raw).Value);
        Assert.Equal(1, await CommandsAsync(CorpusNames.IdOf("claimed-once")));
        Assert.Empty(await ObjectsAsync(IngestionKeys.UploadStagingRoot));
    }

    [Fact]
    public async Task Reupload_WithOtherSettingsOnly_Is409()
    {
        using (var first = await PostAsync(Upload("settings-differ", Jsonl("x")))) Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var form = Upload("settings-differ", Jsonl("x"));
        form.Add(new StringContent("7"), "shardDocuments");

        using var second = await PostAsync(form);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Reupload_OfTheSameContent_Is200WithTheSameBody_OneCorpus_OneCommand()
    {
        using var first = await PostAsync(Upload("same-twice", Jsonl("same")));
        using var second = await PostAsync(Upload("same-twice", Jsonl("same")));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, await CommandsAsync(CorpusNames.IdOf("same-twice")));
        var corpora = await Gateway.Client().GetFromJsonAsync<JsonElement>("/api/corpora?limit=500");
        Assert.Single(corpora.GetProperty("items").EnumerateArray(), c => c.GetProperty("name").GetString() == "same-twice");
    }

    [Fact]
    public async Task Reupload_OfTheSameContent_AfterTheCorpusFailed_IngestsItAgain()
    {
        var id = CorpusNames.IdOf("failed-once");
        using (var first = await PostAsync(Upload("failed-once", Jsonl("retry me")))) Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await Gateway.Sent.WaitForAsync(id);
        await Gateway.Bus.Publish(new CorpusIngestionFailed { CorpusId = id, Name = "failed-once", Reason = "disk full" });
        await Gateway.EventuallyAsync($"/api/corpora/{id}", c => c.GetProperty("stage").GetString() == "failed");

        using var again = await PostAsync(Upload("failed-once", Jsonl("retry me")));

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await Gateway.EventuallyAsync($"/api/corpora/{id}", c => c.GetProperty("stage").GetString() == "submitted");
        Assert.Equal(2, await Gateway.Sent.SettledCountFor(id));
    }

    [Fact]
    public async Task Reupload_OfTheSameContent_WhoseRunNeverStarted_HandsItOnAgain_Once()
    {
        var id = CorpusNames.IdOf("never-started");
        using (var first = await PostAsync(Upload("never-started", Jsonl("lost"))))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(1, await CommandsAsync(id));
        // No event of its run came for longer than a run takes to start, as when the gateway died before sending.
        await using (var scope = Gateway.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Data.GatewayDbContext>().Corpora.Where(c => c.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, c => c.UpdatedAt.AddMinutes(-10)));

        using var again = await PostAsync(Upload("never-started", Jsonl("lost")));
        using var soonAfter = await PostAsync(Upload("never-started", Jsonl("lost")));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK), (again.StatusCode, soonAfter.StatusCode));
        Assert.Equal(2, await Gateway.Sent.SettledCountFor(id));
        Assert.Equal(Jsonl("lost"), (await ObjectsAsync($"raw/never-started/"))["raw/never-started/data.jsonl"]);
    }

    [Fact]
    public async Task TenConcurrentUploads_OfDifferentContent_OneIs202_NineAre409_AndRawHoldsTheWinnersBytes()
    {
        var contents = Enumerable.Range(0, 10).Select(i => Jsonl($"contender {i}")).ToArray();

        var responses = await Task.WhenAll(contents.Select(async bytes =>
        {
            using var response = await PostAsync(Upload("contended", bytes));
            return response.StatusCode;
        }));

        Assert.Single(responses, s => s == HttpStatusCode.Accepted);
        Assert.Equal(9, responses.Count(s => s == HttpStatusCode.Conflict));
        var winner = contents[Array.IndexOf(responses, HttpStatusCode.Accepted)];
        var raw = await ObjectsAsync("raw/contended/");
        Assert.Equal("raw/contended/data.jsonl", Assert.Single(raw).Key);
        Assert.Equal(winner, raw["raw/contended/data.jsonl"]);
        Assert.Equal(1, await CommandsAsync(CorpusNames.IdOf("contended")));
        Assert.Empty(await ObjectsAsync(IngestionKeys.UploadStagingRoot));
    }

    [Fact]
    public async Task TenConcurrentUploads_OfTheSameContent_AllSucceedPointingAtOneCorpus_WithOneCommand()
    {
        var id = CorpusNames.IdOf("stampede");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await PostAsync(Upload("stampede", Jsonl("everyone sends this")));
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses, r => Assert.Equal($"/api/corpora/{id}", r.Body.GetProperty("statusUrl").GetString()));
        Assert.Equal(1, await CommandsAsync(id));
        Assert.Single(await ObjectsAsync("raw/stampede/"));
    }

    [Fact]
    public async Task Multipart_RefusedForAFieldAfterItsFile_LeavesNothingUnderRawNorStaging()
    {
        var form = Upload("late-field", Jsonl("x"));
        form.Add(new StringContent("0"), "shardDocuments");

        using var response = await PostAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await ObjectsAsync("raw/late-field/"));
        Assert.Empty(await ObjectsAsync(IngestionKeys.UploadStagingRoot));
    }

    [Fact]
    public async Task Multipart_RefusedForAnUnknownFieldAfterItsFile_LeavesNothingUnderRawNorStaging()
    {
        var form = Upload("unknown-field", Jsonl("x"));
        form.Add(new StringContent("x"), "treshold");

        using var response = await PostAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await ObjectsAsync("raw/unknown-field/"));
        Assert.Empty(await ObjectsAsync(IngestionKeys.UploadStagingRoot));
    }

    [Fact]
    public async Task Multipart_TruncatedAfterAFilePart_Is400_AndLeavesNothing()
    {
        const string boundary = "cut-here";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ntruncated\r\n" +
                   $"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.jsonl\"\r\n\r\n{{\"text\":\"x\"}}\n\r\n" +
                   $"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"b.jsonl\"\r\n\r\n{{\"text\":\"never ends";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");

        using var response = await PostAsync(content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await ObjectsAsync("raw/truncated/"));
        Assert.Empty(await ObjectsAsync(IngestionKeys.UploadStagingRoot));
    }

    [Fact]
    public async Task Json_SameReferencesAgain_Is200_ButTheSameKeyWithOtherBytes_Is409()
    {
        await Gateway.Store.PutAsync("drop/refs/a.jsonl", new MemoryStream(Jsonl("first")));
        var request = new { name = "by-reference", sources = new[] { new { key = "drop/refs/a.jsonl" } } };
        using (var first = await Gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora", request))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using (var same = await Gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora", request))
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);

        await Gateway.Store.PutAsync("drop/refs/a.jsonl", new MemoryStream(Jsonl("changed since")));
        using var changed = await Gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora", request);

        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal(1, await CommandsAsync(CorpusNames.IdOf("by-reference")));
    }
}

public sealed class CorpusNameClaimsOnSqliteTests(KeyedGateway gateway) : CorpusNameClaimTests(gateway), IClassFixture<KeyedGateway>
{
    [Fact]
    public async Task Multipart_ChunkedBodyOverTheLimit_Is413_AndLeavesNothingStaged()
    {
        var form = Upload("too-big-staged", Jsonl("first file fits"));
        form.Add(new StreamContent(new NonSeekableStream(new byte[KeyedGateway.MaxUploadBytes + 4096])), "files", "big.bin");

        using var response = await PostAsync(form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await ObjectsAsync("raw/too-big-staged/"));
        Assert.Empty(await ObjectsAsync(IngestionKeys.UploadStagingRoot));
    }

    [Fact]
    public async Task OpenApi_DocumentsTheIdempotent200AndThe409OfACorpusSubmission()
    {
        var document = await Gateway.Client().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var post = document.GetProperty("paths").GetProperty("/api/corpora").GetProperty("post");
        foreach (var status in new[] { "200", "202", "409" }) Assert.True(post.GetProperty("responses").TryGetProperty(status, out _), status);
        Assert.Contains("answers 200 with the same body", post.GetProperty("description").GetString());
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

public sealed class CorpusNameClaimsOnPostgresAndS3Tests(RealStoreGateway gateway) : CorpusNameClaimTests(gateway), IClassFixture<RealStoreGateway>;
