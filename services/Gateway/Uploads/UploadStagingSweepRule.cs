using Microsoft.Extensions.Options;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Options;
using Refinery.Hosting.Storage;

namespace Refinery.Gateway.Uploads;

/// <summary>The gateway's storage sweep: staged upload parts whose request started more than
/// <see cref="GatewayOptions.UploadStagingMaxAge"/> ago. No catalog names them: a request deletes its own parts when it
/// ends, so an old one belongs to a gateway that died mid-upload. Keys of any other shape are kept.</summary>
public sealed class UploadStagingSweepRule(IOptions<GatewayOptions> options, TimeProvider clock) : IStorageSweepRule
{
    public string Service => GatewayServiceExtensions.ServiceName;

    public IReadOnlyList<string> Prefixes { get; } = [IngestionKeys.UploadStagingRoot];

    public Task<IReadOnlySet<string>> ReleasedAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.UploadStagingMaxAge;
        IReadOnlySet<string> released = keys
            .Where(k => IngestionKeys.UploadStagingStarted(k) is { } started && started < cutoff)
            .ToHashSet(StringComparer.Ordinal);
        return Task.FromResult(released);
    }
}
