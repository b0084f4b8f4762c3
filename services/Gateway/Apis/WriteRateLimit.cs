using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
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

    private static string ClientOf(HttpContext http)
    {
        var key = http.Request.Headers["X-Api-Key"].ToString();
        if (key.Length == 0 && http.Request.Headers.Authorization.ToString() is { Length: > 7 } bearer &&
            bearer.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            key = bearer[7..];
        return key.Length > 0
            ? "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16]
            : "ip:" + http.Connection.RemoteIpAddress;
    }
}
