using System.ComponentModel.DataAnnotations;

namespace Refinery.Curation.Options;

/// <summary>Configuration of the curation service (section Refinery:Curation), validated at start.</summary>
public sealed class CurationOptions
{
    public const string SectionName = "Refinery:Curation";

    /// <summary>Parts this process writes at once.</summary>
    [Range(1, 1024)] public int MaxConcurrency { get; set; } = Environment.ProcessorCount;
}
