using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Gateway.Auth;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Apis;

/// <summary>Bounds how many writes one client may make per minute (DESIGN §11: limits are configuration).
/// A client is its API key (by digest, never the key itself) or, without one, its address.</summary>
public static class WriteRateLimit
{
    public const string Policy = "writes";

    public static IServiceCollection AddWriteRateLimit(this IServiceCollection services, GatewayOptions options) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await TypedResults.Problem(
                    detail: $"At most {options.WritesPerMinute} writes per minute per client (Refinery:Gateway:WritesPerMinute).",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests")
                    .ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(ClientOf(http), _ =>
                new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.WritesPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });

    /// <summary>The identity authentication established (a key's fingerprint), never the raw header, so the same key
    /// written differently (padded, by either header) is one client; anonymous clients by address.</summary>
    private static string ClientOf(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { } name } && name != ApiKeyAuthenticationHandler.AnonymousName
            ? "key:" + name
            : "ip:" + http.Connection.RemoteIpAddress;
}
