using System.ComponentModel.DataAnnotations;
using Refinery.Contracts;

namespace Refinery.Signals.Options;

/// <summary>Configuration of the signals service (section Refinery:Signals), validated at start.</summary>
public sealed class SignalsOptions
{
    public const string SectionName = "Refinery:Signals";

    /// <summary>The configuration tag signal shards are named by (<c>signals/{corpus}/{shard}.{Config}.parquet</c>):
    /// change it whenever a change of resources or code changes the values, so old and new outputs never mix.</summary>
    [Required, RegularExpression(ConfigTags.Pattern, ErrorMessage = "Config must be " + ConfigTags.Rule + " (it is part of object keys)")]
    public string Config { get; set; } = "rpv2";

    /// <summary>Documents computed at once in this process, over all shards it handles; also the number of shards
    /// it takes from the queue at once. Signals are CPU-bound, so the default is one per core.</summary>
    [Range(1, 1024)] public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>Where the word lists fetched from npm are cached; empty means Refinery's user cache
    /// (~/.cache/refinery, shared with the CLI, so a machine fetches them once).</summary>
    public string? ResourceCacheDir { get; set; }

    /// <summary>Also compute the model-based signals (ccnet_*, rps_doc_ml_*, *_importance*) with the newest substitute
    /// models in the object store under models/signals/ (built by `refinery resources build --publish`). Use a
    /// different <see cref="Config"/> for such outputs, since they carry more columns.</summary>
    public bool Models { get; set; }

    /// <summary>A UT1 blacklist (extracted folder or 'domain&lt;TAB&gt;categories' file) for rps_doc_ut1_blacklist;
    /// empty leaves the signal null, as RPv2 does without one.</summary>
    public string? Ut1DomainList { get; set; }

    /// <summary>Documents read ahead and computed in parallel as one batch: bounds memory per shard.</summary>
    [Range(1, 100_000)] public int BatchDocuments { get; set; } = 256;

    /// <summary>Documents per Parquet row group.</summary>
    [Range(1, 1_000_000)] public int RowGroupDocuments { get; set; } = 5_000;

    /// <summary>Above this fraction of documents failing in one shard the fault is not in the documents but in the
    /// code or its resources: the shard fails instead of quarantining most of its documents.</summary>
    [Range(0.0, 1.0)] public double MaxQuarantinedFraction { get; set; } = 0.05;
}
