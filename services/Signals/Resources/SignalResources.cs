using Microsoft.Extensions.Logging;
using Refinery.Quality.Rpv2;

namespace Refinery.Signals.Resources;

/// <summary>The word lists the signals read, loaded once per process on first use (a load fetches or reads
/// a cache, and every shard needs the same lists) and shared by every computer.</summary>
public sealed class SignalResources(Func<CancellationToken, Task<Rpv2Resources>> load, ILogger<SignalResources> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Rpv2Resources? _resources;

    public async Task<Rpv2Resources> GetAsync(CancellationToken ct)
    {
        if (_resources is { } loaded) return loaded;
        await _gate.WaitAsync(ct);
        try
        {
            if (_resources is null)
            {
                // A failed load is not cached: the next shard tries again (the registry may have been unreachable).
                _resources = await load(ct);
                logger.LogInformation("Loaded signal resources {Versions}",
                    string.Join(", ", _resources.Versions.Select(v => $"{v.Key} {v.Value}")));
            }
            return _resources;
        }
        finally
        {
            _gate.Release();
        }
    }
}
