using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Auth;

/// <summary>Counts refused API keys per client address, so guessing keys is slow: past
/// <see cref="GatewayOptions.FailedAuthenticationsPerMinute"/> refusals in a minute, every request from that address
/// that presents a key (right or wrong) is answered 429 until the minute is over.</summary>
public sealed class FailedAuthentications(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedAuthenticationsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Whether <paramref name="address"/> used up its refusals for this minute.</summary>
    public bool IsBlocked(IPAddress? address) => _limiter.GetStatistics(KeyOf(address))?.CurrentAvailablePermits <= 0;

    /// <summary>Counts one refused key from <paramref name="address"/>.</summary>
    public void Record(IPAddress? address)
    {
        using var _ = _limiter.AttemptAcquire(KeyOf(address));
    }

    private static string KeyOf(IPAddress? address) => address?.ToString() ?? "unknown";

    public void Dispose() => _limiter.Dispose();
}
