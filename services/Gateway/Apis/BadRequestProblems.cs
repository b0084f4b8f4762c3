using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Refinery.Gateway.Apis;

/// <summary>Answers a request whose body or parameters could not be bound as RFC 7807 problem details, as every other
/// refusal is: a body field the JSON could not be read into (an unknown option value, a string for a number) becomes a
/// validation problem naming the field ("exact": "'fast' is not one of set, bloom, none").</summary>
/// <remarks>Minimal APIs only throw these with RouteHandlerOptions.ThrowOnBadRequest; otherwise they answer a bare 400.</remarks>
public sealed class BadRequestProblems(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            IResult problem = ex.InnerException is JsonException json
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [FieldOf(json.Path)] = [MessageOf(json)] })
                : TypedResults.Problem(ex.Message, statusCode: ex.StatusCode);
            context.Response.Clear();
            await problem.ExecuteAsync(context);
        }
    }

    /// <summary>"$.exact" → "exact", "$.sources[0].format" → "sources[0].format"; the body itself when the path is "$".</summary>
    private static string FieldOf(string? path) =>
        path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    // System.Text.Json's own messages end with " Path: … | LineNumber: …"; the field is named already.
    private static string MessageOf(JsonException json)
    {
        var message = json.Message;
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }
}
