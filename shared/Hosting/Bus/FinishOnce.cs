using MassTransit;

namespace Refinery.Hosting.Bus;

/// <summary>The rule of steps that finish shared work (a job's last partition, a version's last part): several
/// processes may finish the same work at once, so each records its result with a conditional write, and only the one
/// whose write changed the record goes on (publishes the event, sends the next step). A repeated delivery of any of
/// them goes on too, since its first attempt may have stopped between recording and going on; what follows is
/// idempotent, so at worst it is said twice, never lost.</summary>
public static class FinishOnce
{
    /// <summary>Whether this message was delivered or tried before: it goes on even if its write changes nothing.</summary>
    public static bool IsRepeat(this ConsumeContext context) => context.ReceiveContext.Redelivered || context.GetRetryAttempt() > 0;
}
