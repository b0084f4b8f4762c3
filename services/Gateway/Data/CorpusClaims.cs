using Microsoft.EntityFrameworkCore;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Data;

/// <summary>What a submission found when it claimed its corpus name.</summary>
public enum ClaimOutcome
{
    /// <summary>The name was free: this submission holds it and starts the corpus's first run.</summary>
    Claimed,
    /// <summary>The same content was submitted before and its run failed: this submission starts it again.</summary>
    Retried,
    /// <summary>The same content was submitted before and is not failed: nothing new starts.</summary>
    Existing,
    /// <summary>The same content was submitted before, but no event of its run came for longer than a run takes to
    /// start (the gateway that took it may have died before it handed the command on): this submission hands it on
    /// again. The ingestion service takes a command it already has as a repeat, so nothing runs twice.</summary>
    Stalled,
    /// <summary>The name holds other content: refused, a corpus's sources are immutable.</summary>
    Conflict,
    /// <summary>The name holds a corpus of unknown content (from before fingerprints, or not submitted through the
    /// gateway): refused, as its content cannot be shown to be the same.</summary>
    Unknown,
}

/// <summary>Claims corpus names for submissions. A corpus's row is keyed by the id its name determines, so the insert
/// that creates it is the one conditional write that decides, among any number of concurrent submissions, which one
/// holds the name; it records the winner's content fingerprint, which later submissions are compared with.</summary>
public sealed class CorpusClaims(GatewayDbContext db, TimeProvider clock)
{
    /// <param name="stalledAfter">How long a corpus may stay submitted without any event of its run before the same
    /// content submitted again hands it on again (<see cref="ClaimOutcome.Stalled"/>).</param>
    public async Task<ClaimOutcome> ClaimAsync(Guid id, string name, int sourceCount, string fingerprint, TimeSpan stalledAfter,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (await TryInsertAsync(new CorpusView
            {
                Id = id, Name = name, Stage = CorpusStages.Submitted, SourceCount = sourceCount, Fingerprint = fingerprint,
                CreatedAt = now, UpdatedAt = now,
            }, ct))
        {
            return ClaimOutcome.Claimed;
        }

        var held = await db.Corpora.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new { c.Fingerprint, c.Stage, c.UpdatedAt }).SingleAsync(ct);
        if (held.Fingerprint is null) return ClaimOutcome.Unknown;
        if (held.Fingerprint != fingerprint) return ClaimOutcome.Conflict;
        if (held.Stage == CorpusStages.Submitted && held.UpdatedAt < now - stalledAfter)
        {
            // Of concurrent submissions of a stalled corpus, the one whose update moves its time on hands it on.
            var touched = await db.Corpora
                .Where(c => c.Id == id && c.Stage == CorpusStages.Submitted && c.UpdatedAt == held.UpdatedAt)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), ct);
            return touched == 1 ? ClaimOutcome.Stalled : ClaimOutcome.Existing;
        }
        if (held.Stage != CorpusStages.Failed) return ClaimOutcome.Existing;
        // Of concurrent retries of a failed corpus, the one whose update moves it out of failed starts the new run.
        var moved = await db.Corpora
            .Where(c => c.Id == id && c.Fingerprint == fingerprint && c.Stage == CorpusStages.Failed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Stage, CorpusStages.Submitted)
                .SetProperty(c => c.SourceCount, sourceCount)
                .SetProperty(c => c.Error, (string?)null)
                .SetProperty(c => c.FailedStep, (string?)null)
                .SetProperty(c => c.UpdatedAt, now), ct);
        return moved == 1 ? ClaimOutcome.Retried : ClaimOutcome.Existing;
    }

    /// <summary>Inserts the row unless its id is taken; false when it is (also when a concurrent insert took it).</summary>
    private async Task<bool> TryInsertAsync(CorpusView row, CancellationToken ct)
    {
        if (await db.Corpora.AsNoTracking().AnyAsync(c => c.Id == row.Id, ct)) return false;
        db.Corpora.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Corpora.AsNoTracking().AnyAsync(c => c.Id == row.Id, ct)) return false;
            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
