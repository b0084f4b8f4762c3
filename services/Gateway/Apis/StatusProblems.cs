using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Refinery.Gateway.Apis;

/// <summary>Gives the problem details ASP.NET writes for its own refusals (routing's 404, 405 and 415, written by the
/// status code pages) a detail saying what to do, as every refusal of the API's own has.</summary>
public static class StatusProblems
{
    public static void AddDetail(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Detail is not null) return;
        var (request, response) = (context.HttpContext.Request, context.HttpContext.Response);
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"No route of the API is {request.Method} {request.Path}.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not take {request.Method}; it takes {response.Headers[HeaderNames.Allow]}.",
            StatusCodes.Status415UnsupportedMediaType =>
                $"{request.Method} {request.Path} does not take a body of type '{request.ContentType}'; send application/json" +
                (request.Path.Value?.TrimEnd('/') == "/api/corpora" ? " or multipart/form-data." : "."),
            _ => context.ProblemDetails.Title,
        };
    }
}
