using MassTransit.Testing;
using Refinery.Contracts.Jobs;
using Xunit;

namespace Refinery.TestSupport;

/// <summary>The progress one job published on the harness, in the order of its stamps: what a reader keeping the latest
/// event per job would have seen.</summary>
public static class JobProgressTrail
{
    public static List<JobProgressed> Of(ITestHarness harness, string service, string job) =>
        harness.Published.Select<JobProgressed>().Select(m => m.Context.Message).Where(p => p.Service == service && p.Job == job)
            .OrderBy(p => p.At).ThenBy(p => p.Done).ToList();

    /// <summary>Asserts the trail goes through <paramref name="steps"/> in order, each once (no step reported again after
    /// the next began); that in each step Done only grows; and that each of <paramref name="fannedOut"/> (steps of several
    /// work items) reaches its Total.</summary>
    public static void AssertSteps(IReadOnlyList<JobProgressed> trail, string[] steps, string[] fannedOut)
    {
        var runs = trail.Select(p => p.Step).Where((step, i) => i == 0 || trail[i - 1].Step != step).ToList();
        Assert.Equal(steps, runs);
        foreach (var step in trail.GroupBy(p => p.Step))
        {
            var done = step.Select(p => p.Done).ToList();
            Assert.True(done.Zip(done.Skip(1)).All(d => d.First <= d.Second), $"{step.Key}: done went back ({string.Join(", ", done)})");
            Assert.Single(step.Select(p => p.Total).Distinct());
        }
        foreach (var step in fannedOut)
        {
            var last = trail.Last(p => p.Step == step);
            Assert.True(last.Total > 0 && last.Done == last.Total, $"{step} ended at {last.Done} of {last.Total}");
            Assert.True(trail.First(p => p.Step == step).Done < last.Total, $"{step} was never reported under way");
        }
    }
}
