using MassTransit.Testing;
using Refinery.Contracts.Jobs;
using Xunit;

namespace Refinery.TestSupport;

/// <summary>The progress one job published on the harness, in the order of its stamps (<see cref="JobProgressed.At"/>).</summary>
public static class JobProgressTrail
{
    public static List<JobProgressed> Of(ITestHarness harness, string service, string job) =>
        harness.Published.Select<JobProgressed>().Select(m => m.Context.Message).Where(p => p.Service == service && p.Job == job)
            .OrderBy(p => p.At).ThenBy(p => p.Done).ToList();

    /// <summary>Asserts the trail goes through <paramref name="steps"/> in order, each once (no step stamped again after
    /// the next began); that each step has one Total and no count past it; and that each of <paramref name="fannedOut"/>
    /// (steps of several work items) was reported under way and reached its Total. Within a step the stamps need not
    /// follow the counts (<see cref="JobProgressed.At"/>).</summary>
    public static void AssertSteps(IReadOnlyList<JobProgressed> trail, string[] steps, string[] fannedOut)
    {
        var runs = trail.Select(p => p.Step).Where((step, i) => i == 0 || trail[i - 1].Step != step).ToList();
        Assert.Equal(steps, runs);
        foreach (var step in trail.GroupBy(p => p.Step))
        {
            var total = Assert.Single(step.Select(p => p.Total).Distinct());
            Assert.All(step, p => Assert.InRange(p.Done, 0, total));
        }
        foreach (var step in fannedOut)
        {
            var reported = trail.Where(p => p.Step == step).ToList();
            var (furthest, total) = (reported.Max(p => p.Done), reported[0].Total);
            Assert.True(total > 0 && furthest == total, $"{step} ended at {furthest} of {total}");
            Assert.True(reported.Min(p => p.Done) < total, $"{step} was never reported under way");
        }
    }
}
