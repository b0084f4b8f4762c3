using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Refinery.Contracts.Jobs;
using Refinery.Hosting.Data;

namespace Refinery.Hosting.Jobs;

/// <summary>What a request waits for: the key its releasing event names, the same in words, and the check that tells
/// whether it is there now (run again once the wait is recorded, for an event that came in between).</summary>
public sealed record JobWait(string Key, string WaitingFor, Func<CancellationToken, Task<bool>> IsReady);

/// <summary>Lets a request wait for another service's event without holding its delivery: it records the wait and
/// completes; the event, when it comes, sends the request again (see <see cref="JobWaitRegistration.AddJobWaits{TDbContext}"/>),
/// and the request runs its checks again. Scoped: it writes the service's own <typeparamref name="TDbContext"/>.</summary>
public sealed class JobWaits<TDbContext>(TDbContext db, JobWaiters<TDbContext> waiters, TimeProvider clock,
    ILogger<JobWaits<TDbContext>> logger) where TDbContext : DbContext
{
    /// <summary>Records that the request in <paramref name="context"/> waits for <paramref name="wait"/> and announces
    /// it; if the awaited event arrived meanwhile, sends the request again at once. The caller returns afterwards.</summary>
    public async Task WaitAsync<TMessage>(ConsumeContext<TMessage> context, JobName job, JobWait wait) where TMessage : class
    {
        var ct = context.CancellationToken;
        var waiter = waiters.Of(typeof(TMessage));
        var now = clock.GetUtcNow().UtcDateTime;
        var row = waiter.Row(context.Message, wait, WaitingSince(context) ?? now, now);
        await db.UpsertAsync(row, c => db.Set<JobWaitRow>().Where(w => w.Key == row.Key && w.BodySha256 == row.BodySha256)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Token, row.Token).SetProperty(w => w.RecordedAt, row.RecordedAt)
                .SetProperty(w => w.WaitingFor, row.WaitingFor), c), ct);

        // The event may have come between the caller's check and the record, and found nothing to release.
        if (await wait.IsReady(ct))
        {
            logger.LogInformation("{Job} is ready after all ({WaitingFor}); sending it again", job.Job, wait.WaitingFor);
            await JobWaitRelease.SendAgainAsync(db, waiters, context, row, ct);
            return;
        }
        logger.LogInformation("{Service} job {Job} waits for {WaitingFor}", job.Service, job.Job, wait.WaitingFor);
        await context.Publish(job.Progressed(JobWaitRelease.WaitingStep, 0, 0, wait.WaitingFor, clock.GetUtcNow()), ct);
    }

    private static DateTime? WaitingSince(ConsumeContext context) =>
        context.Headers.Get<string>(JobWaitRelease.SinceHeader) is { } text
        && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since)
            ? since.ToUniversalTime()
            : null;
}

/// <summary>Sending a waiting request again, and failing it, the same way for the releasing consumers and the sweep.</summary>
internal static class JobWaitRelease
{
    /// <summary>The step <see cref="JobProgressed"/> names for a waiting job.</summary>
    public const string WaitingStep = "waiting";

    /// <summary>Carries the time of the first wait on a request sent again, so that a timeout counts the whole wait.</summary>
    public const string SinceHeader = "Refinery-Waiting-Since";

    /// <summary>Sends the request again in place of its row; a row the resent request records since stays. False when
    /// another process (a sweep, a releasing event) took the row first and sends it instead.</summary>
    public static Task<bool> SendAgainAsync(DbContext db, IJobWaiterRegistry waiters, ISendEndpointProvider sender, JobWaitRow row,
        CancellationToken ct) =>
        TakeAsync(db, row, () => waiters.Of(row.MessageType).SendAsync(sender, row, ct), ct);

    /// <summary>Publishes the request's failure in place of its row; false when another process took the row first.</summary>
    public static Task<bool> FailAsync(DbContext db, IJobWaiterRegistry waiters, IPublishEndpoint publisher, JobWaitRow row, string reason,
        CancellationToken ct) =>
        TakeAsync(db, row, () => waiters.Of(row.MessageType).FailAsync(publisher, row, reason, ct), ct);

    /// <summary>Every process of a service sweeps the same rows and receives the same releasing events, so several may
    /// read one row at once. Each deletes the row as it read it (by token) in a transaction and acts before committing:
    /// the others' deletes wait for that commit and then find nothing, so one acts; a process that dies or fails before
    /// its commit leaves the row for the next sweep (acting twice then, never not at all).</summary>
    private static async Task<bool> TakeAsync(DbContext db, JobWaitRow row, Func<Task> act, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Set<JobWaitRow>().Where(w => w.Key == row.Key && w.BodySha256 == row.BodySha256 && w.Token == row.Token)
            .ExecuteDeleteAsync(ct);
        if (taken == 0) return false;
        await act();
        await transaction.CommitAsync(ct);
        return true;
    }

    public static string Sha256(string messageType, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageType + "\n" + body)));
}
