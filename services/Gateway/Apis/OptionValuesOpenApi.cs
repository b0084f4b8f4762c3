using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Options;

namespace Refinery.Gateway.Apis;

/// <summary>Shows a contract's option enum in the OpenAPI document as what the JSON holds: a string, one of its names;
/// and a dedup keep policy as its one string form.</summary>
internal static class OptionValuesOpenApi
{
    internal static Task DescribeOptionEnum(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(KeepPolicy))
        {
            schema.Type = underlying == type ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Properties = null;
            schema.Pattern = "^(first|longest|(max|min):[a-z][a-z0-9_]*)$";
            schema.Description = $"{KeepPolicy.Expected}; SIGNAL is a document-level signal";
            return Task.CompletedTask;
        }
        if (!new OptionValueJsonConverter().CanConvert(underlying)) return Task.CompletedTask;
        var names = (IReadOnlyList<string>)typeof(OptionValues<>).MakeGenericType(underlying).GetProperty(nameof(OptionValues<DayOfWeek>.Names))!.GetValue(null)!;
        schema.Type = underlying == type ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
        schema.Format = null;
        schema.Enum = names.Select(n => (JsonNode)JsonValue.Create(n)).ToList();
        return Task.CompletedTask;
    }
}
