using Microsoft.Extensions.Logging;
using Refinery.Storage;

namespace Refinery.Hosting.Storage;

/// <summary>One sweep's settings: objects younger than <paramref name="Grace"/> are kept; a dry run deletes nothing.</summary>
public sealed record SweepSettings(TimeSpan Grace, bool DryRun);

/// <summary>An object a sweep deleted, or would delete in a dry run.</summary>
public sealed record SweptObject(string Key, long Length, DateTimeOffset LastModified);

/// <summary>What one service's sweep found: objects listed under its prefixes, and those it deleted (or would).</summary>
public sealed record SweepResult(string Service, bool DryRun, int Listed, IReadOnlyList<SweptObject> Swept)
{
    public int Count => Swept.Count;
    public long Bytes => Swept.Sum(o => o.Length);
}

/// <summary>
/// Deletes a service's objects that its own catalog no longer needs: lists its prefixes, keeps everything younger
/// than the grace period, asks the service's <see cref="IStorageSweepRule"/> which of the rest are released, and
/// deletes those. Concurrent sweeps are safe (a delete of a gone object is skipped), and so is a sweep during a job,
/// as long as the rule keeps what the job may still read or name.
/// </summary>
public sealed class ObjectSweep(IObjectStore store, TimeProvider clock, ILogger<ObjectSweep> logger)
{
    /// <summary>S3 reports an object's time to the second in a stat but to the millisecond in a listing.</summary>
    private static readonly TimeSpan StatPrecision = TimeSpan.FromSeconds(1);

    public async Task<SweepResult> RunAsync(IStorageSweepRule rule, SweepSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Grace, TimeSpan.Zero, nameof(settings));
        var prefixes = ValidatePrefixes(rule);

        // List everything first, then read the catalog: an object the listing saw was written before the catalog read.
        var cutoff = clock.GetUtcNow() - settings.Grace;
        var candidates = new Dictionary<string, ObjectInfo>(StringComparer.Ordinal);
        var listed = 0;
        foreach (var prefix in prefixes)
        {
            await foreach (var info in store.ListAsync(prefix, ct))
            {
                listed++;
                if (!IsUnder(prefixes, info.Key))
                    throw new InvalidOperationException($"listing '{prefix}' returned '{info.Key}', outside {rule.Service}'s prefixes");
                if (info.LastModified <= cutoff) candidates.TryAdd(info.Key, info);
            }
        }

        var released = candidates.Count == 0 ? new HashSet<string>() : await rule.ReleasedAsync(candidates.Keys, ct);
        var swept = new List<SweptObject>();
        foreach (var key in released.Order(StringComparer.Ordinal))
        {
            // The rule may release only what it was shown: a key it made up, or one outside the prefixes, is never deleted.
            if (!candidates.TryGetValue(key, out var info) || !IsUnder(prefixes, key)) continue;
            if (!settings.DryRun && !await DeleteIfUnchangedAsync(info, settings.Grace, ct)) continue;
            swept.Add(new SweptObject(key, info.Length, info.LastModified));
        }

        var result = new SweepResult(rule.Service, settings.DryRun, listed, swept);
        if (result.Count > 0 || logger.IsEnabled(LogLevel.Debug))
            logger.LogInformation("Sweep of {Service}: {Listed} objects under {Prefixes}, {Count} released ({Bytes} bytes){DryRun}",
                rule.Service, listed, string.Join(", ", prefixes), result.Count, result.Bytes, settings.DryRun ? ", dry run: nothing deleted" : "");
        return result;
    }

    /// <summary>Deletes the object unless it was rewritten since the listing (a new version a job may be about to record),
    /// or is already gone (another sweep took it).</summary>
    private async Task<bool> DeleteIfUnchangedAsync(ObjectInfo listed, TimeSpan grace, CancellationToken ct)
    {
        var now = await store.StatAsync(listed.Key, ct);
        if (now is null) return false;
        if (now.LastModified > listed.LastModified + StatPrecision || now.LastModified > clock.GetUtcNow() - grace) return false;
        return await store.DeleteAsync(listed.Key, ct);
    }

    /// <summary>A rule's prefixes must each name a folder (end with '/', a valid key without it), so no sweep can
    /// reach the whole bucket or another area by a partial name.</summary>
    public static IReadOnlyList<string> ValidatePrefixes(IStorageSweepRule rule)
    {
        if (rule.Prefixes.Count == 0) throw new ArgumentException($"{rule.Service}: a sweep needs at least one prefix");
        foreach (var prefix in rule.Prefixes)
        {
            var problem = string.IsNullOrEmpty(prefix) ? "it is empty"
                : !prefix.EndsWith('/') ? "it does not end with '/'"
                : ObjectKey.Problem(prefix[..^1]);
            if (problem is not null) throw new ArgumentException($"{rule.Service}: sweep prefix '{prefix}' is not a folder key: {problem}");
        }
        return rule.Prefixes;
    }

    private static bool IsUnder(IReadOnlyList<string> prefixes, string key)
    {
        foreach (var prefix in prefixes)
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length) return true;
        return false;
    }
}
