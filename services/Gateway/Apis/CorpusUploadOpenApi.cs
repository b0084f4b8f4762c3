using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Refinery.Gateway.Apis;

/// <summary>POST /api/corpora takes JSON or a multipart upload on one endpoint; the routing content-type check
/// reads one accepts list, so the OpenAPI document gets the multipart form's shape here.</summary>
internal static class CorpusUploadOpenApi
{
    public static Task DescribeUploadForm(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.HttpMethod == "POST" && context.Description.RelativePath?.TrimEnd('/') == "api/corpora" &&
            operation.RequestBody?.Content is { } content && content.TryGetValue("multipart/form-data", out var media))
        {
            media.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "name", "files" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["name"] = Text("Corpus name (lower-case letters, digits, '.', '_' or '-'); must come before the files."),
                    ["files"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Description = "One or more files (any part name); each is stored as raw/{name}/{file name}.",
                        Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    },
                    ["textField"] = Text("JSON field holding the text (default text)."),
                    ["idField"] = Text("JSON field holding the id (default id)."),
                    ["urlField"] = Text("JSON field holding the URL (default url)."),
                    ["shardDocuments"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "Documents per shard, 1 to 1000000 (default 10000)." },
                    ["detectLanguage"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Identify each document's language (default true)." },
                    ["format"] = Text("jsonl, parquet, warc, wet or text for every file; absent: detect from each file name."),
                },
            };
        }
        return Task.CompletedTask;
    }

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
