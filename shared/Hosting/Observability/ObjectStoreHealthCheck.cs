using Microsoft.Extensions.Diagnostics.HealthChecks;
using Refinery.Storage;

namespace Refinery.Hosting;

/// <summary>Ready when the object store answers a stat (a missing object is an answer).</summary>
internal sealed class ObjectStoreHealthCheck(IObjectStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await store.StatAsync("health/probe", ct);
            return HealthCheckResult.Healthy($"bucket {store.Bucket}");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"object store {store.Bucket} does not answer", ex);
        }
    }
}
