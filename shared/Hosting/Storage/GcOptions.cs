using System.ComponentModel.DataAnnotations;

namespace Refinery.Hosting.Storage;

/// <summary>The storage sweep's schedule and grace period (section Refinery:Gc), validated at start.</summary>
public sealed class GcOptions : IValidatableObject
{
    public const string SectionName = "Refinery:Gc";

    /// <summary>Whether this process sweeps on a schedule; `refinery gc` sweeps on demand either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between two scheduled sweeps; the first comes one interval after start.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Objects younger than this are never swept: a writer puts an object before its catalog names it, and this is
    /// the time it has to do so. Must exceed the longest put-to-record step of any job.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Report what a scheduled sweep would delete without deleting it.</summary>
    public bool DryRun { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Interval <= TimeSpan.Zero) yield return new ValidationResult("Refinery:Gc:Interval must be positive", [nameof(Interval)]);
        if (Grace < TimeSpan.Zero) yield return new ValidationResult("Refinery:Gc:Grace must not be negative", [nameof(Grace)]);
    }
}
