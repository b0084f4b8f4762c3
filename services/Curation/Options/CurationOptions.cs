using System.ComponentModel.DataAnnotations;

namespace Refinery.Curation.Options;

/// <summary>Configuration of the curation service (section Refinery:Curation), validated at start.</summary>
public sealed class CurationOptions
{
    public const string SectionName = "Refinery:Curation";

    /// <summary>Parts this process writes at once.</summary>
    [Range(1, 1024)] public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>How many passes over a component's training tokens a mixture may take
    /// (<see cref="Refinery.Contracts.Curation.DatasetRequests.MaxMixtureEpochsKey"/>); a budget past it is refused.</summary>
    [Range(1, 1_000_000)] public int MaxMixtureEpochs { get; set; } = Refinery.Contracts.Curation.DatasetRequests.DefaultMaxMixtureEpochs;
}
