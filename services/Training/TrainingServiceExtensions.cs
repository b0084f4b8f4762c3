using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Data;
using Refinery.Hosting.Jobs;
using Refinery.Hosting.Storage;
using Refinery.Training.Consumers;
using Refinery.Training.Data;
using Refinery.Training.Data.Migrations;
using Refinery.Training.Gc;
using Refinery.Training.Jobs;
using Refinery.Training.Options;

namespace Refinery.Training;

/// <summary>The training service's one registration site.</summary>
public static class TrainingServiceExtensions
{
    public static IHostApplicationBuilder AddTrainingService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrainingOptions>()
            .Bind(builder.Configuration.GetSection(TrainingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddRefineryDbContext<TrainingDbContext, SqliteTrainingDbContext, PostgresTrainingDbContext>(TrainingDbContext.Schema);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddLeasedJobs<ClaimedTrainingJob, TrainingJobs, TrainingRunner>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TrainingOptions>>().Value;
            return new LeasedJobOptions(o.JobLease, o.JobPollInterval, o.MaxAttempts, o.MaxConcurrentJobs);
        });
        builder.AddStorageSweep<TrainingSweepRule>();
        builder.Services.AddJobWaitSweep<TrainingDbContext>(sp => sp.GetRequiredService<IOptions<TrainingOptions>>().Value.Waits);
        builder.AddRefineryConsumers(AddConsumers);
        return builder;
    }

    /// <summary>Every consumer of the service, with its queue (also what the test harness registers).</summary>
    public static void AddConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<SubmitTrainingJobConsumer, SubmitTrainingJobConsumerDefinition>();
        x.AddConsumer<CancelTrainingJobConsumer, CancelTrainingJobConsumerDefinition>();
        TrainingStepFailures.Add(x);
        TrainingWaits.Add(x);
    }
}
