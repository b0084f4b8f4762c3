using Microsoft.EntityFrameworkCore;

namespace Refinery.Hosting.Jobs;

/// <summary>A request waiting for another service's event, kept in the waiting service's own database (table
/// <c>job_waits</c>): the message to send again once the event arrives, and what it waits for in words. The key is the
/// awaited condition and the request itself, so the same request waiting twice is one row.</summary>
public sealed class JobWaitRow
{
    /// <summary>The awaited condition, e.g. "signals:{corpus id}:rpv2"; the releasing event names the same key.</summary>
    public required string Key { get; set; }
    /// <summary>SHA-256 of <see cref="MessageType"/> and <see cref="Body"/>: the request's identity within the key.</summary>
    public required string BodySha256 { get; set; }
    /// <summary>The full name of the request's type, as its <c>Waiter</c> declaration names it.</summary>
    public required string MessageType { get; set; }
    /// <summary>The request as JSON, sent again unchanged.</summary>
    public required string Body { get; set; }
    /// <summary>"signals (rpv2) of corpus web": what a failure or a timeout says the request waited for.</summary>
    public required string WaitingFor { get; set; }
    /// <summary>When the request first waited; carried through every release, so a timeout counts the whole wait.</summary>
    public required DateTime Since { get; set; }
    /// <summary>When this row was last recorded; the sweep sends a row again once it is old (a lost release).</summary>
    public required DateTime RecordedAt { get; set; }
    /// <summary>New at every recording: a releaser deletes only the row it read, never one the resent request recorded since.</summary>
    public required Guid Token { get; set; }
}

public static class JobWaitModel
{
    /// <summary>Maps <see cref="JobWaitRow"/> into a service's model; its DbContext calls this from OnModelCreating.</summary>
    public static ModelBuilder AddJobWaits(this ModelBuilder model)
    {
        model.Entity<JobWaitRow>(e =>
        {
            e.ToTable("job_waits");
            e.HasKey(w => new { w.Key, w.BodySha256 });
            e.Property(w => w.Key).HasMaxLength(256);
            e.Property(w => w.BodySha256).HasMaxLength(64);
            e.Property(w => w.MessageType).HasMaxLength(256);
            e.Property(w => w.WaitingFor).HasMaxLength(512);
            e.HasIndex(w => w.Since);
        });
        return model;
    }
}
