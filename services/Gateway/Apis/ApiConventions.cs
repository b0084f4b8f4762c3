using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using Refinery.Contracts;
using Refinery.Gateway.Auth;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Apis;

/// <summary>One area of the API under one prefix and tag: its reads and its writes, each a group carrying the access
/// rules, rate limit and documented failures every endpoint in it shares.</summary>
public sealed record ApiGroup(RouteGroupBuilder Reads, RouteGroupBuilder Writes);

/// <summary>The conventions every area of the API shares, so an endpoint states only what is its own.</summary>
public static class ApiConventions
{
    /// <summary>The area's group, split into reads (open or reader key, by configuration) and writes (writer key, rate limited).</summary>
    public static ApiGroup MapApiGroup(this IEndpointRouteBuilder app, string prefix, string tag, GatewayOptions options)
    {
        var area = app.MapGroup(prefix).WithTags(tag);
        return new ApiGroup(area.MapGroup("").RequireReadAccess(options), area.MapGroup("").RequireWriteAccess());
    }

    /// <summary>Reads need a key with the reader role when keys are configured, unless Refinery:Gateway:RequireKeyForReads
    /// is false (see <see cref="GatewayOptions.RequireKeyForReads"/>).</summary>
    public static TBuilder RequireReadAccess<TBuilder>(this TBuilder builder, GatewayOptions options) where TBuilder : IEndpointConventionBuilder
    {
        if (!options.ReadsNeedKey) return builder.AllowAnonymous();
        builder.RequireAuthorization(ApiKeyRoles.Reader);
        return builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), ["application/problem+json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]));
    }

    /// <summary>Every write needs a writer key, counts against the client's write limit, and may be refused as invalid
    /// (400), unauthenticated (401), forbidden (403), too frequent (429) or for want of the bus (503).</summary>
    public static RouteGroupBuilder RequireWriteAccess(this RouteGroupBuilder group)
    {
        group.RequireAuthorization(ApiKeyRoles.Writer).RequireRateLimiting(WriteRateLimit.Policy);
        group.ProducesValidationProblem();
        foreach (var status in WriteFailures) group.ProducesProblem(status);
        return group;
    }

    private static readonly int[] WriteFailures =
    [
        StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable,
    ];

    /// <summary>Names the GET route a 202 answer's Location points to; the OpenAPI document shows it as the Location header.</summary>
    public static RouteHandlerBuilder AcceptedWithStatusAt(this RouteHandlerBuilder builder, string statusRoute) =>
        builder.WithMetadata(new StatusLink(statusRoute));

    /// <summary>Documents the Location header of a 202 answer whose endpoint names its status route.</summary>
    internal static Task DescribeStatusLink(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<StatusLink>().FirstOrDefault() is { } link &&
            operation.Responses?.TryGetValue("202", out var accepted) == true && accepted is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Location"] = new OpenApiHeader
            {
                Description = "GET " + link.Route,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
            };
        }
        return Task.CompletedTask;
    }

    /// <summary>Sends a command to its service's queue; false (logged) when the bus would not take it, so the caller
    /// marks its request failed and answers <see cref="BusUnavailable"/>.</summary>
    internal static async Task<bool> TrySendAsync<T>(this ISendEndpointProvider send, string queue, T command, ILogger logger, CancellationToken ct)
        where T : class
    {
        try
        {
            await (await send.GetSendEndpoint(CommandQueues.Uri(queue))).Send(command, ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not send {Command} to {Queue}", typeof(T).Name, queue);
            return false;
        }
    }

    /// <summary>The answer to a write whose command the bus would not take: nothing was started, so the client may retry;
    /// its statusUrl is the request's status URL, which shows it failed.</summary>
    internal static ProblemHttpResult BusUnavailable(string what, string status) =>
        TypedResults.Problem($"The message bus could not take the command; {what} was not started. Try again.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable",
            extensions: new Dictionary<string, object?> { ["statusUrl"] = status });

    /// <summary>The reason a request row records when its command was never sent.</summary>
    internal const string NotSent = "the command could not be sent to the message bus";

    private sealed record StatusLink(string Route);
}
