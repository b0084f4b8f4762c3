using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Training;
using Refinery.TestSupport;
using Refinery.Training.Data;

namespace Refinery.Training.Tests;

/// <summary>Every way a training job fails for good ends in one <see cref="TrainingJobFailed"/> naming the step and the reason.</summary>
public sealed class TrainingFailureTests
{
    [Fact]
    public async Task ASubmitWhoseConsumerFailsForGood_IsTrainingJobFailed_AtStepRequest_NamingItsJob()
    {
        await using var host = await TrainingServiceTests.StartAsync();
        var version = await ByteTokenVersions.WriteAsync(host.Store, "plays", ByteTokenVersions.Shakespeare().Take(300).ToList());
        // With the job table gone, recording the job fails however often it is tried.
        await using (var scope = host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<TrainingDbContext>().Database.ExecuteSqlRawAsync("DROP TABLE jobs");
        var request = TrainingServiceTests.Request(version, 2, Guid.NewGuid());

        await host.SendAsync(CommandQueues.Uri(CommandQueues.SubmitTrainingJob), request);

        Assert.Single(await host.PublishedAsync<Fault<SubmitTrainingJob>>(1));
        var failed = Assert.Single(await host.PublishedAsync<TrainingJobFailed>(1, faultsExpected: true));
        Assert.Equal((TrainingRequests.JobId(request), "request", request.RequestId), (failed.JobId, failed.Step, failed.RequestId));
        Assert.Contains("jobs", failed.Reason);
    }
}
