using Microsoft.AspNetCore.Builder;
using Refinery.Curation;
using Refinery.Dedup;
using Refinery.Gateway;
using Refinery.Ingestion;
using Refinery.Signals;
using Refinery.Training;

namespace Refinery.Host.Targets;

/// <summary>One target a process can host: how it registers and what it maps.</summary>
public sealed record Target(string Name, Action<WebApplicationBuilder> Add, Action<WebApplication> Map);

/// <summary>Every service the binary can run; `--targets all` runs them all in one process.</summary>
public static class TargetCatalog
{
    public static readonly IReadOnlyList<Target> All =
    [
        new("gateway", b => b.AddGatewayService(), app => app.MapGatewayEndpoints()),
        new("ingestion", b => b.AddIngestionService(), _ => { }),
        new("signals", b => b.AddSignalsService(), _ => { }),
        new("dedup", b => b.AddDedupService(), _ => { }),
        new("curation", b => b.AddCurationService(), _ => { }),
        new("training", b => b.AddTrainingService(), _ => { }),
    ];

    /// <summary>Parses "all" or a comma list; throws naming the unknown target.</summary>
    public static IReadOnlyList<Target> Parse(string spec)
    {
        var names = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0 || names.Contains("all", StringComparer.OrdinalIgnoreCase)) return All;
        return names.Select(name => All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException(
                    $"Unknown target '{name}'. Known: all, {string.Join(", ", All.Select(t => t.Name))}"))
            .Distinct()
            .ToArray();
    }
}
