using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Refinery.Hosting.Storage;
using Refinery.Host.Targets;

namespace Refinery.Host.Cli;

/// <summary>`refinery gc [--dry-run] [--json] [--targets …] [--grace 1h]`: runs each chosen service's storage sweep
/// once, with the configuration `serve` would use, and reports what it deleted (or would delete).</summary>
public static class GcCommand
{
    public static Command Create()
    {
        var targets = new Option<string>("--targets")
        {
            Description = "Services whose objects to sweep: all, or a comma list of " + string.Join(", ", TargetCatalog.All.Select(t => t.Name)),
            DefaultValueFactory = _ => "all",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would be deleted; delete nothing" };
        var grace = new Option<string?>("--grace")
        {
            Description = "Keep objects younger than this (e.g. 90s, 30m, 1h, 2d, or 01:00:00); default Refinery:Gc:Grace, 1h",
        };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("gc", "Delete objects the services' own catalogs no longer reference, older than a grace period")
        {
            targets, dryRun, grace, dataDir, json,
        };
        // Like serve: anything else (--Refinery:ObjectStore=S3, ...) is host configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, ct) =>
        {
            IReadOnlyList<Target> chosen;
            try
            {
                chosen = TargetCatalog.Parse(result.GetValue(targets)!);
            }
            catch (ArgumentException ex)
            {
                return await CommonOptions.FailAsync(ex.Message);
            }
            TimeSpan? graceOverride = null;
            if (result.GetValue(grace) is { } text)
            {
                if (ParseDuration(text) is not { } parsed) return await CommonOptions.FailAsync($"--grace {text}: expected a duration such as 90s, 30m, 1h, 2d or 01:00:00");
                graceOverride = parsed;
            }
            var report = await RunAsync(chosen, [.. result.UnmatchedTokens], CommonOptions.DataDirOverride(result, dataDir),
                graceOverride, result.GetValue(dryRun), ct);
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(report, JsonOptions));
            else WriteText(report, output);
            return report.Services.Any(s => s.Error is not null) ? 1 : 0;
        });
        return command;
    }

    /// <summary>What one run of `refinery gc` did, per service.</summary>
    public sealed record GcReport(bool DryRun, TimeSpan Grace, IReadOnlyList<ServiceReport> Services)
    {
        public int Count => Services.Sum(s => s.Count);
        public long Bytes => Services.Sum(s => s.Bytes);
    }

    /// <summary>One service's sweep: what it listed and deleted (or would), or why it could not run.</summary>
    public sealed record ServiceReport(string Service, IReadOnlyList<string> Prefixes, int Listed, int Count, long Bytes,
        IReadOnlyList<SweptObject> Objects, string? Error);

    /// <summary>Builds the chosen services as `serve` would (not started: no consumer runs) and sweeps each once.</summary>
    public static async Task<GcReport> RunAsync(IReadOnlyList<Target> chosen, string[] args, IDictionary<string, string?> overrides,
        TimeSpan? grace, bool dryRun, CancellationToken ct)
    {
        await using var app = RefineryApp.Build(chosen, args, overrides);
        var settings = new SweepSettings(grace ?? app.Services.GetRequiredService<IOptions<GcOptions>>().Value.Grace, dryRun);
        if (settings.Grace < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(grace), "the grace period must not be negative");
        var services = new List<ServiceReport>();
        await using var scope = app.Services.CreateAsyncScope();
        var sweep = scope.ServiceProvider.GetRequiredService<ObjectSweep>();
        foreach (var rule in scope.ServiceProvider.GetServices<IStorageSweepRule>())
        {
            try
            {
                var swept = await sweep.RunAsync(rule, settings, ct);
                services.Add(new ServiceReport(rule.Service, rule.Prefixes, swept.Listed, swept.Count, swept.Bytes, swept.Swept, null));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One service's failure (its catalog not created yet, say) deletes nothing of it and stops no other.
                services.Add(new ServiceReport(rule.Service, rule.Prefixes, 0, 0, 0, [], ex.Message));
            }
        }
        return new GcReport(dryRun, settings.Grace, services);
    }

    /// <summary>90s, 30m, 1h, 2d, 0, or a TimeSpan (01:00:00); null when it is none of those or negative.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length >= 2 && char.IsAsciiLetter(text[^1])
            && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? span = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            return span;
        }
        if (text == "0") return TimeSpan.Zero;
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) && parsed >= TimeSpan.Zero ? parsed : null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static void WriteText(GcReport report, TextWriter output)
    {
        var verb = report.DryRun ? "would delete" : "deleted";
        foreach (var service in report.Services)
        {
            if (service.Error is not null)
                output.WriteLine($"{service.Service}: failed, nothing deleted: {service.Error}");
            else
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{service.Service}: {verb} {service.Count:N0} objects, {service.Bytes:N0} bytes (of {service.Listed:N0} under {string.Join(", ", service.Prefixes)})"));
        }
        if (report.Services.Count == 0) output.WriteLine("no chosen service keeps objects a sweep could release");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total: {verb} {report.Count:N0} objects, {report.Bytes:N0} bytes; grace {report.Grace}{(report.DryRun ? "; dry run" : "")}"));
    }
}
