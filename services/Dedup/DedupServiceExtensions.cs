using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refinery.Dedup.Consumers;
using Refinery.Dedup.Data;
using Refinery.Dedup.Data.Migrations;
using Refinery.Dedup.Gc;
using Refinery.Dedup.Options;
using Refinery.Dedup.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Data;
using Refinery.Hosting.Jobs;
using Refinery.Hosting.Storage;

namespace Refinery.Dedup;

/// <summary>The dedup service's one registration site.</summary>
public static class DedupServiceExtensions
{
    public static IHostApplicationBuilder AddDedupService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DedupOptions>()
            .Bind(builder.Configuration.GetSection(DedupOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddRefineryDbContext<DedupDbContext, SqliteDedupDbContext, PostgresDedupDbContext>(DedupDbContext.Schema);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<DedupCatalog>();
        builder.Services.AddScoped<DedupSteps>();
        builder.Services.AddSingleton<ShardHasher>();
        builder.Services.AddSingleton<StoredExactIndex>();
        builder.Services.AddSingleton<PartitionLinker>();
        builder.Services.AddSingleton<ClusterMerger>();
        builder.AddStorageSweep<DedupSweepRule>();
        builder.Services.AddJobWaitSweep<DedupDbContext>(sp => sp.GetRequiredService<IOptions<DedupOptions>>().Value.Waits);
        builder.AddRefineryConsumers(AddConsumers);
        return builder;
    }

    /// <summary>Every consumer of the service, with its queue (also what the test harness registers).</summary>
    public static void AddConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<DeduplicateCorpusConsumer, DeduplicateCorpusConsumerDefinition>();
        x.AddConsumer<HashDedupShardConsumer, HashDedupShardConsumerDefinition>();
        x.AddConsumer<LinkDedupPartitionConsumer, LinkDedupPartitionConsumerDefinition>();
        x.AddConsumer<FinishDedupConsumer, FinishDedupConsumerDefinition>();
        DedupStepFailures.Add(x);
        DedupWaits.Add(x);
    }
}
