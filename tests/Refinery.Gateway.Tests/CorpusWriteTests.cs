using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;

namespace Refinery.Gateway.Tests;

public sealed class CorpusWriteTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private static MultipartFormDataContent Upload(string name, params (string FileName, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent(name), "name" } };
        foreach (var (fileName, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "files", fileName);
        }
        return form;
    }

    private static (string, byte[]) Jsonl(string fileName = "part-1.jsonl") =>
        (fileName, Encoding.UTF8.GetBytes("{\"id\":\"a\",\"text\":\"hello world\"}\n{\"id\":\"b\",\"text\":\"second\"}\n"));

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Post_WithoutKey_Is401Problem()
    {
        using var response = await gateway.Client().PostAsync("/api/corpora", Upload("no-key", Jsonl()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_WithUnknownKey_Is401()
    {
        using var response = await gateway.Client("not-a-configured-key").PostAsync("/api/corpora", Upload("bad-key", Jsonl()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("The API key is not valid.", (await ProblemOf(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_WithReaderKey_Is403()
    {
        using var response = await gateway.Client(GatewayTestHost.ReaderKey).PostAsync("/api/corpora", Upload("reader-only", Jsonl()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("reader", (await ProblemOf(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_WithWriterKey_Is202_AndSendsIngestCorpusToTheIngestionQueue()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", Upload("web-sample", Jsonl()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = CorpusNames.IdOf("web-sample");
        Assert.Equal($"/api/corpora/{id}", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("id").GetGuid());
        Assert.Equal("web-sample", body.GetProperty("name").GetString());
        Assert.Equal($"/api/corpora/{id}", body.GetProperty("statusUrl").GetString());
        Assert.Equal("raw/web-sample/part-1.jsonl", body.GetProperty("sources")[0].GetProperty("key").GetString());

        var (command, input) = await gateway.Sent.WaitForAsync(id);
        Assert.Equal("web-sample", command.Name);
        Assert.Equal(["raw/web-sample/part-1.jsonl"], command.Sources.Select(s => s.Key));
        Assert.EndsWith("/" + CommandQueues.IngestCorpus, input?.AbsolutePath);

        var corpus = await gateway.EventuallyAsync($"/api/corpora/{id}", c => c.GetProperty("stage").GetString() == "submitted");
        Assert.Equal(1, corpus.GetProperty("sourceCount").GetInt32());
    }

    [Fact]
    public async Task Post_WithAdminKeyAsBearer_Is202()
    {
        using var client = gateway.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestHost.AdminKey);

        using var response = await client.PostAsync("/api/corpora", Upload("bearer-corpus", Jsonl()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Post_Multipart_StoresEachFileUnderRawCorpusName_WithItsBytes()
    {
        var bytes = new byte[300_000];
        new Random(42).NextBytes(bytes);
        using var response = await gateway.Client(GatewayTestHost.WriterKey)
            .PostAsync("/api/corpora", Upload("bytes-check", ("blob.wet", bytes), Jsonl("b.jsonl")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var stored = await gateway.Store.OpenReadAsync("raw/bytes-check/blob.wet");
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        Assert.NotNull(await gateway.Store.StatAsync("raw/bytes-check/b.jsonl"));
    }

    [Fact]
    public async Task Post_Multipart_SameFileNameTwice_KeepsBoth()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey)
            .PostAsync("/api/corpora", Upload("twice", Jsonl("x.jsonl"), Jsonl("x.jsonl")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["raw/twice/x.jsonl", "raw/twice/2-x.jsonl"],
            body.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Post_Multipart_TraversalFileName_IsKeptInsideTheCorpus()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey)
            .PostAsync("/api/corpora", Upload("traversal", ("../../etc/passwd", "root:x:0:0"u8.ToArray())));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("raw/traversal/passwd", body.GetProperty("sources")[0].GetProperty("key").GetString());
        var keys = new List<string>();
        await foreach (var o in gateway.Store.ListAsync("")) keys.Add(o.Key);
        Assert.DoesNotContain(keys, k => k.Contains("..") || k.StartsWith("etc/", StringComparison.Ordinal));
        Assert.Contains("raw/traversal/passwd", keys);
    }

    [Fact]
    public async Task Post_Multipart_DotDotFileName_Is400NamingThePart()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey)
            .PostAsync("/api/corpora", Upload("dotdot", ("..", "x"u8.ToArray())));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemOf(response)).GetProperty("errors");
        Assert.Contains("..", errors.GetProperty("files[0]")[0].GetString());
    }

    [Fact]
    public async Task Post_InvalidName_Is400NamingName()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", Upload("Bad Name!", Jsonl()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemOf(response)).GetProperty("errors");
        Assert.StartsWith("name must be lower-case", errors.GetProperty("name")[0].GetString());
    }

    [Fact]
    public async Task Post_Multipart_NameAfterFiles_Is400NamingName()
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent("{}"u8.ToArray()), "files", "a.jsonl");
        form.Add(new StringContent("late-name"), "name");

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("before the file parts", (await ProblemOf(response)).GetProperty("errors").GetProperty("name")[0].GetString());
    }

    [Fact]
    public async Task Post_Multipart_BadShardDocuments_Is400NamingTheField()
    {
        var form = Upload("bad-settings", Jsonl());
        form.Add(new StringContent("0"), "shardDocuments");
        form.Add(new StringContent("xml"), "format");

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemOf(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("shardDocuments", out _));
        Assert.True(errors.TryGetProperty("format", out _));
    }

    [Fact]
    public async Task Post_Multipart_SettingsReachTheCommand()
    {
        var form = Upload("with-settings", Jsonl());
        form.Add(new StringContent("body"), "textField");
        form.Add(new StringContent("250"), "shardDocuments");
        form.Add(new StringContent("false"), "detectLanguage");
        form.Add(new StringContent("JSONL"), "format");

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", form);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (command, _) = await gateway.Sent.WaitForAsync(CorpusNames.IdOf("with-settings"));
        Assert.Equal("body", command.Settings.TextField);
        Assert.Equal(250, command.Settings.ShardDocuments);
        Assert.False(command.Settings.DetectLanguage);
        Assert.Equal(SourceFormat.Jsonl, command.Sources[0].Format);
    }

    [Fact]
    public async Task Post_Multipart_LargerThanTheLimit_Is413()
    {
        var big = new byte[KeyedGateway.MaxUploadBytes + 1];

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", Upload("too-big", ("big.bin", big)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("MaxUploadBytes", (await ProblemOf(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_Multipart_ChunkedBodyOverTheLimit_Is413_AndStoresNothing()
    {
        // A non-seekable part has no length, so the request is chunked and only the streamed count can stop it.
        var form = new MultipartFormDataContent { { new StringContent("too-big-chunked"), "name" } };
        form.Add(new StreamContent(new NonSeekableStream(new byte[KeyedGateway.MaxUploadBytes + 4096])), "files", "big.bin");

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(await gateway.Store.StatAsync("raw/too-big-chunked/big.bin"));
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task Post_Json_WithExistingSources_Is202_AndSendsThem()
    {
        await gateway.Store.PutAsync("raw/shared-drop/a.jsonl", new MemoryStream(Jsonl().Item2));
        var request = new
        {
            name = "from-refs",
            sources = new object[] { new { key = "raw/shared-drop/a.jsonl", format = "jsonl" } },
            settings = new { textField = "content", shardDocuments = 500 },
        };

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora", request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (command, _) = await gateway.Sent.WaitForAsync(CorpusNames.IdOf("from-refs"));
        Assert.Equal("raw/shared-drop/a.jsonl", Assert.Single(command.Sources).Key);
        Assert.Equal("content", command.Settings.TextField);
        Assert.Equal(500, command.Settings.ShardDocuments);
    }

    [Fact]
    public async Task Post_Json_MissingSourceObject_Is400NamingItsIndex()
    {
        await gateway.Store.PutAsync("raw/partly/present.jsonl", new MemoryStream(Jsonl().Item2));
        var request = new { name = "partly", sources = new object[] { new { key = "raw/partly/absent.jsonl" }, new { key = "raw/partly/present.jsonl" } } };

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemOf(response)).GetProperty("errors");
        Assert.Contains("raw/partly/absent.jsonl", errors.GetProperty("sources[0].key")[0].GetString());
        Assert.False(errors.TryGetProperty("sources[1].key", out _));
    }

    [Fact]
    public async Task Post_Json_TraversalKey_Is400NamingItsIndex()
    {
        var request = new { name = "escape", sources = new object[] { new { key = "raw/escape/../../secrets" } } };

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'..'", (await ProblemOf(response)).GetProperty("errors").GetProperty("sources[0].key")[0].GetString());
    }

    [Fact]
    public async Task Post_Json_Malformed_Is400NamingThePosition()
    {
        using var content = new StringContent("{\"name\":\"x\",\"sources\":[{\"key\": 12}]}", Encoding.UTF8, "application/json");

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemOf(response)).GetProperty("errors").TryGetProperty("sources[0].key", out _));
    }

    [Fact]
    public async Task Post_PlainText_Is415()
    {
        using var content = new StringContent("hello", Encoding.UTF8, "text/plain");

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}

public sealed class KeylessGatewayTests(KeylessGateway gateway) : IClassFixture<KeylessGateway>
{
    [Fact]
    public async Task Post_WhenNoKeysAreConfigured_Is401ExplainingHowToConfigureOne()
    {
        var form = new MultipartFormDataContent { { new StringContent("keyless"), "name" }, { new ByteArrayContent("{}"u8.ToArray()), "files", "a.jsonl" } };

        using var response = await gateway.Client().PostAsync("/api/corpora", form);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("Refinery:ApiKeys", detail);
        Assert.Contains("AllowAnonymousWrites", detail);
    }

    [Fact]
    public async Task Get_WhenNoKeysAreConfigured_IsAnonymous()
    {
        using var response = await gateway.Client().GetAsync("/api/corpora");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class AnonymousWritesGatewayTests(AnonymousWritesGateway gateway) : IClassFixture<AnonymousWritesGateway>
{
    [Fact]
    public async Task Post_WithoutKey_WhenAnonymousWritesAreAllowed_Is202()
    {
        var form = new MultipartFormDataContent { { new StringContent("demo"), "name" }, { new ByteArrayContent("{}"u8.ToArray()), "files", "a.jsonl" } };

        using var response = await gateway.Client().PostAsync("/api/corpora", form);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await gateway.Sent.WaitForAsync(CorpusNames.IdOf("demo"));
    }

    [Fact]
    public async Task Post_WithWrongKey_WhenAnonymousWritesAreAllowed_IsStill401()
    {
        var form = new MultipartFormDataContent { { new StringContent("demo-wrong"), "name" }, { new ByteArrayContent("{}"u8.ToArray()), "files", "a.jsonl" } };

        using var response = await gateway.Client("wrong").PostAsync("/api/corpora", form);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class ClosedReadsGatewayTests(ClosedReadsGateway gateway) : IClassFixture<ClosedReadsGateway>
{
    [Fact]
    public async Task Get_WithoutKey_WhenReadsNeedAKey_Is401()
    {
        using var response = await gateway.Client().GetAsync("/api/corpora");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithReaderKey_WhenReadsNeedAKey_Is200()
    {
        using var response = await gateway.Client(GatewayTestHost.ReaderKey).GetAsync("/api/corpora");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
