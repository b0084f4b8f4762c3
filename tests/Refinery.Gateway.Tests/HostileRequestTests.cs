using System.Net.Http.Headers;
using System.Text;

namespace Refinery.Gateway.Tests;

/// <summary>Whole requests a careful tester breaks: bodies that are empty, not JSON or not an object, content types no
/// route takes, methods no route has, and multipart bodies truncated, malformed or carrying hostile names. None is a
/// 5xx; each 4xx is problem details.</summary>
public sealed class HostileRequestTests(HostileGateway gateway) : IClassFixture<HostileGateway>
{
    private static readonly string[] Bodies = ["", "null", "[]", "\"x\"", "42", "{", "{}}", "{\"a\":", "\uFEFF{}", "{\"threshold\":NaN}"];

    public static TheoryData<string> Urls() => new(HostileWriteRoute.All.Select(r => r.Url));

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task ABodyThatIsNoObject_IsNever5xx_AndEach4xxIsProblemDetails(string url)
    {
        var failures = new List<string>();
        foreach (var body in Bodies)
            if (await gateway.ProblemWithAnswerAsync(url, HostileGateway.JsonBody(body), null) is { } problem && !problem.Contains(" naming ", StringComparison.Ordinal))
                failures.Add($"body {HostileValues.Label(body)}: {problem}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task AContentTypeNoRouteTakes_Is415WithProblemDetails(string url)
    {
        var failures = new List<string>();
        foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "application/jsonx" })
        {
            using var content = new StringContent("{}", Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            if (await gateway.ProblemWithAnswerAsync(url, content, null) is { } problem) failures.Add($"{type}: {problem}");
        }
        using var untyped = new ByteArrayContent("{}"u8.ToArray());
        if (await gateway.ProblemWithAnswerAsync(url, untyped, null) is { } none) failures.Add($"no content type: {none}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task AMethodNoRouteHas_Is405WithProblemDetails(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/corpora/web/dedup") { Content = HostileGateway.JsonBody("{}") };
        using var response = await gateway.Client(GatewayTestHost.WriterKey).SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AMultipartBodyCutShort_Is400WithProblemDetails()
    {
        var body = Multipart.Body(("name", null, "cut-short"u8.ToArray()), ("files", "a.jsonl", "{\"text\":\"x\"}\n"u8.ToArray()));
        Assert.Null(await gateway.ProblemWithAnswerAsync("/api/corpora", Multipart.Content(body[..^20]), null));
        Assert.Null(await gateway.ProblemWithAnswerAsync("/api/corpora", Multipart.Content(body[..40]), null));
    }

    [Fact]
    public async Task MalformedMultipartBodies_AreNever5xx()
    {
        var failures = new List<string>();
        string[] bodies = ["", "garbage", "--" + Multipart.Boundary + "\r\n\r\nno headers\r\n--" + Multipart.Boundary + "--\r\n",
            "--" + Multipart.Boundary + "\r\nContent-Disposition: attachment\r\n\r\nx\r\n--" + Multipart.Boundary + "--\r\n",
            "--" + Multipart.Boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nno-end"];
        foreach (var body in bodies)
            if (await gateway.ProblemWithAnswerAsync("/api/corpora", Multipart.Content(Encoding.UTF8.GetBytes(body)), null) is { } problem && !problem.Contains(" naming ", StringComparison.Ordinal))
                failures.Add($"{HostileValues.Label(body)}: {problem}");
        foreach (var type in new[] { "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=" + new string('b', 71) })
        {
            using var content = new ByteArrayContent(Multipart.Body(("name", null, "x"u8.ToArray())));
            content.Headers.TryAddWithoutValidation("Content-Type", type);
            if (await gateway.ProblemWithAnswerAsync("/api/corpora", content, null) is { } problem) failures.Add($"{type}: {problem}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    public static TheoryData<string> FormFields() => new("name", "format", "textField", "idField", "urlField", "shardDocuments", "detectLanguage");

    [Theory]
    [MemberData(nameof(FormFields))]
    public async Task AHostileFormField_IsNever5xx_AndEach4xxNamesIt(string field)
    {
        var failures = new List<string>();
        foreach (var value in Multipart.HostileTexts())
        {
            // Each request submits a corpus of its own: a name already claimed by other content would be a 409.
            var parts = new List<(string, string?, byte[])> { ("name", null, Encoding.UTF8.GetBytes(HostileGateway.FreshCorpusName("hostile-form"))) };
            if (field == "name") parts.Clear();
            parts.Add((field, null, value));
            parts.Add(("files", "a.jsonl", "{\"text\":\"x\"}\n"u8.ToArray()));
            if (await gateway.ProblemWithAnswerAsync("/api/corpora", Multipart.Content(Multipart.Body([.. parts])), field, Multipart.NeverAName(value)) is { } problem)
                failures.Add($"{field} = {HostileValues.Label(Encoding.UTF8.GetString(value))}: {problem}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task AHostileFileName_IsNever5xx_AndEach4xxNamesThePart()
    {
        var failures = new List<string>();
        foreach (var fileName in Multipart.HostileTexts())
        {
            // Sent raw (UTF-8 bytes in the header, as browsers do) and as RFC 5987's filename*, each as a corpus of its own
            // (a name already claimed by other content would be a 409).
            foreach (var body in new[]
                     {
                         Multipart.Body(("name", null, Encoding.UTF8.GetBytes(HostileGateway.FreshCorpusName("hostile-file"))),
                             ("files", Encoding.UTF8.GetString(fileName), "{}\n"u8.ToArray())),
                         Multipart.BodyWithEncodedFileName(HostileGateway.FreshCorpusName("hostile-file"), fileName),
                     })
            {
                if (await gateway.ProblemWithAnswerAsync("/api/corpora", Multipart.Content(body), "files", Multipart.NeverAName(fileName), wholeRequestWillDo: true) is { } problem)
                    failures.Add($"file name {HostileValues.Label(Encoding.UTF8.GetString(fileName))}: {problem}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
