using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Refinery.Gateway.Tests;

/// <summary>The rules of issue 12's "one API shape", checked on the OpenAPI document the gateway serves: a new endpoint
/// that breaks one fails <see cref="OpenApiRulesTests"/> (the negative cases below show each rule can fail).</summary>
public static class OpenApiRules
{
    /// <summary>The areas of the API; a path outside them is a rule broken (a new area is added here on purpose).</summary>
    public static readonly IReadOnlyList<string> Groups = ["corpora", "datasets", "jobs", "training", "events"];

    private static readonly string[] Writes = ["post", "put", "patch", "delete"];
    private static readonly string[] Methods = ["get", .. Writes, "head", "options", "trace"];

    /// <summary>Whether a schema, or the component it references, has the property.</summary>
    private static bool HasProperty(JsonNode document, JsonNode? schema, string property)
    {
        if (schema?["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
            schema = document["components"]?["schemas"]?[reference["#/components/schemas/".Length..]];
        return schema?["properties"]?[property] is not null;
    }

    public static int CountOperations(JsonNode document) =>
        document["paths"]!.AsObject().Sum(p => p.Value!.AsObject().Count(o => Methods.Contains(o.Key)));

    /// <summary>Every broken rule, as "METHOD path: rule".</summary>
    public static List<string> Check(JsonNode document)
    {
        var broken = new List<string>();
        var paths = document["paths"]!.AsObject();
        var gets = paths.Where(p => p.Value!["get"] is not null).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (path, item) in paths)
        {
            foreach (var (method, node) in item!.AsObject().Where(o => Methods.Contains(o.Key)))
            {
                var operation = node!.AsObject();
                void Break(string rule) => broken.Add($"{method.ToUpperInvariant()} {path}: {rule}");
                var responses = operation["responses"]?.AsObject() ?? [];
                bool Problem(string status) => responses[status]?["content"]?["application/problem+json"] is not null;
                var roles = operation["security"]?.AsArray().SelectMany(r => r!.AsObject())
                    .Where(r => r.Key == "ApiKey").SelectMany(r => r.Value!.AsArray().Select(v => v!.GetValue<string>())).ToList() ?? [];

                if (path.Split('/', StringSplitOptions.RemoveEmptyEntries) is not ["api", var group, ..] || !Groups.Contains(group))
                    Break($"not under a known group (/api/{{{string.Join("|", Groups)}}})");
                if (operation["tags"] is not JsonArray { Count: > 0 }) Break("no tags");
                if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>())) Break("no summary");
                foreach (var (status, _) in responses.Where(r => r.Key[0] is '4' or '5'))
                    if (!Problem(status)) Break($"{status} is not application/problem+json");

                if (Writes.Contains(method))
                {
                    if (!roles.Contains("writer")) Break("does not require the writer policy");
                    foreach (var status in new[] { "400", "401", "403", "503" })
                        if (!Problem(status)) Break($"no {status} problem details");
                    if (responses["202"] is { } accepted)
                    {
                        var link = accepted["headers"]?["Location"]?["description"]?.GetValue<string>();
                        if (link is null || !link.StartsWith("GET ", StringComparison.Ordinal)) Break("202 without a documented Location (GET route)");
                        else if (!gets.Contains(link[4..])) Break($"202 Location {link[4..]} is not a GET route of this API");
                        else if (link[4..] == "/api/events") Break("202 Location is the event stream, not a status of its own");
                        if (!HasProperty(document, accepted["content"]?["application/json"]?["schema"], "statusUrl")) Break("202 body has no statusUrl");
                    }
                    else if (responses["200"] is null && responses["201"] is null) Break("documents none of 202, 200, 201");
                }
                else if (method == "get")
                {
                    if (responses["200"] is null) Break("no 200");
                    if (!responses.Any(r => r.Key[0] == '4' && r.Key is not ("401" or "403"))) Break("no 4xx of its own (400 or 404)");
                    if (roles.Count > 0 && !(Problem("401") && Problem("403"))) Break("needs a key but documents no 401 and 403");
                }
                else Break("a method the API does not use");
            }
        }
        return broken;
    }
}

public sealed class OpenApiRulesTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private static async Task<JsonNode> DocumentAsync(GatewayTestHost host) =>
        JsonNode.Parse(await host.Client().GetStringAsync("/openapi/v1.json"))!;

    [Fact]
    public async Task EveryOperation_FollowsTheApiRules()
    {
        var document = await DocumentAsync(gateway);

        Assert.Empty(OpenApiRules.Check(document));
        Assert.Equal(21, OpenApiRules.CountOperations(document));
    }

    [Fact]
    public async Task EveryApiEndpoint_IsInTheDocument()
    {
        // An endpoint left out of the document (ExcludeFromDescription) would escape the rules.
        var endpoints = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .Sum(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Count ?? 1);

        Assert.Equal(endpoints, OpenApiRules.CountOperations(await DocumentAsync(gateway)));
    }

    [Fact]
    public async Task WhenReadsNeedAKey_EveryRead_DocumentsTheReaderRoleAnd401And403()
    {
        var closed = new ClosedReadsGateway();
        await closed.InitializeAsync();
        try
        {
            var document = await DocumentAsync(closed);

            Assert.Empty(OpenApiRules.Check(document));
            var reads = document["paths"]!.AsObject().Select(p => p.Value!["get"]).OfType<JsonNode>().ToList();
            Assert.All(reads, r => Assert.Equal("reader", r["security"]![0]!["ApiKey"]![0]!.GetValue<string>()));
        }
        finally
        {
            await closed.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("path outside the groups", "not under a known group")]
    [InlineData("no tags", "no tags")]
    [InlineData("no summary", "no summary")]
    [InlineData("write without 503", "no 503 problem details")]
    [InlineData("write open to readers", "does not require the writer policy")]
    [InlineData("202 pointing at the event stream", "not a status of its own")]
    [InlineData("202 without Location", "202 without a documented Location")]
    [InlineData("202 body without its status URL", "202 body has no statusUrl")]
    [InlineData("read without its 4xx", "no 4xx of its own")]
    [InlineData("error that is not problem details", "is not application/problem+json")]
    public async Task ADocumentBreakingARule_IsReported(string change, string expected)
    {
        var document = await DocumentAsync(gateway);
        var paths = document["paths"]!.AsObject();
        var post = paths["/api/datasets/{name}/versions"]!["post"]!;
        var get = paths["/api/corpora/{id}"]!["get"]!;
        switch (change)
        {
            case "path outside the groups": paths["/admin/reset"] = JsonNode.Parse(paths["/api/corpora/{id}"]!.ToJsonString()); break;
            case "no tags": get.AsObject().Remove("tags"); break;
            case "no summary": get.AsObject().Remove("summary"); break;
            case "write without 503": post["responses"]!.AsObject().Remove("503"); break;
            case "write open to readers": post["security"]![0]!["ApiKey"] = new JsonArray("reader"); break;
            case "202 pointing at the event stream": post["responses"]!["202"]!["headers"]!["Location"]!["description"] = "GET /api/events"; break;
            case "202 without Location": post["responses"]!["202"]!.AsObject().Remove("headers"); break;
            case "202 body without its status URL": post["responses"]!["202"]!["content"]!["application/json"]!["schema"] = new JsonObject { ["type"] = "object" }; break;
            case "read without its 4xx": get["responses"]!.AsObject().Remove("404"); break;
            case "error that is not problem details": get["responses"]!["404"]!["content"] = new JsonObject { ["text/plain"] = new JsonObject() }; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        var broken = OpenApiRules.Check(document);

        Assert.Contains(broken, b => b.Contains(expected, StringComparison.Ordinal));
    }
}
