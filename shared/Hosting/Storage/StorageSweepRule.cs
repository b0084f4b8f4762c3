namespace Refinery.Hosting.Storage;

/// <summary>What one service's own catalog says about its own objects, for <see cref="ObjectSweep"/>.</summary>
public interface IStorageSweepRule
{
    /// <summary>The service's name as a target ("dedup"), for reports.</summary>
    string Service { get; }

    /// <summary>The key prefixes the service owns; the sweep lists and deletes nowhere else. Each ends with '/'.</summary>
    IReadOnlyList<string> Prefixes { get; }

    /// <summary>
    /// Reads the catalog once and returns which of <paramref name="keys"/> (listed under <see cref="Prefixes"/>, older
    /// than the grace period) it no longer needs. A key the rule does not recognise must be kept. The sweep calls this
    /// after listing, so every listed object was written before this read: a rule may rely on its writers recording a
    /// job (or its working state) before they write the job's objects.
    /// </summary>
    Task<IReadOnlySet<string>> ReleasedAsync(IReadOnlyCollection<string> keys, CancellationToken ct);
}
