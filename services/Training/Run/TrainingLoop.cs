using System.Diagnostics;
using Refinery.Training.Checkpoints;

namespace Refinery.Training.Run;

/// <summary>Drives a <see cref="Trainer"/> to the end of its plan: a curve point every <c>ProgressEverySteps</c>, the
/// validation loss every <c>EvaluateEverySteps</c> and at the end, a checkpoint every <c>CheckpointEverySteps</c>, and a
/// final checkpoint when asked to stop. All of it at step boundaries fixed by the plan, so a resumed run reports the
/// same curve.</summary>
public sealed class TrainingLoop(TrainingPlan plan, Trainer trainer, CheckpointStore checkpoints, ITrainingObserver observer)
{
    private static readonly TimeSpan CancelCheckEvery = TimeSpan.FromSeconds(1);

    public enum Outcome { Completed, Cancelled }

    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        var intervals = plan.Intervals;
        var clock = Stopwatch.StartNew();
        var startStep = trainer.Position.Step;
        TimeSpan? lastCancelCheck = null;
        while (!trainer.Done)
        {
            ct.ThrowIfCancellationRequested();
            if (lastCancelCheck is null || clock.Elapsed - lastCancelCheck >= CancelCheckEvery)
            {
                lastCancelCheck = clock.Elapsed;
                if (await observer.CancelRequestedAsync(ct))
                {
                    // The steps since this run started are saved; a run stopped before any has nothing new to save.
                    if (trainer.Position.Step > startStep) await CheckpointAsync(ct);
                    return Outcome.Cancelled;
                }
            }
            var (rate, norm) = trainer.Step();
            var step = trainer.Position.Step;
            var last = trainer.Done;
            var evaluate = last || (intervals.EvaluateEverySteps > 0 && step % intervals.EvaluateEverySteps == 0);
            if (evaluate || step % intervals.ProgressEverySteps == 0)
            {
                var point = trainer.ClosePoint(rate, norm, evaluate ? trainer.Validate() : null);
                var perSecond = (step - startStep) * (double)plan.TokensPerStep / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                var eta = (plan.TotalSteps - step) * (double)plan.TokensPerStep / Math.Max(1e-9, perSecond);
                await observer.ReportAsync(point, plan.StageOf(step - 1).Index, perSecond, eta, ct);
            }
            if (!last && step % intervals.CheckpointEverySteps == 0) await CheckpointAsync(ct);
        }
        return Outcome.Completed;
    }

    private async Task CheckpointAsync(CancellationToken ct)
    {
        var manifest = await checkpoints.WriteAsync(trainer, plan.Intervals.KeepCheckpoints, ct);
        await observer.CheckpointedAsync(trainer.Position.Step, manifest, ct);
    }
}
