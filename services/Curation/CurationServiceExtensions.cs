using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refinery.Curation.Consumers;
using Refinery.Curation.Data;
using Refinery.Curation.Data.Migrations;
using Refinery.Curation.Gc;
using Refinery.Curation.Options;
using Refinery.Curation.Pipeline;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Data;
using Refinery.Hosting.Jobs;
using Refinery.Hosting.Storage;

namespace Refinery.Curation;

/// <summary>The curation service's one registration site.</summary>
public static class CurationServiceExtensions
{
    public static IHostApplicationBuilder AddCurationService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CurationOptions>()
            .Bind(builder.Configuration.GetSection(CurationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddRefineryDbContext<CurationDbContext, SqliteCurationDbContext, PostgresCurationDbContext>(CurationDbContext.Schema);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<CurationCatalog>();
        builder.Services.AddSingleton<PartReader>();
        builder.Services.AddSingleton<PartRanker>();
        builder.Services.AddSingleton<QuantileMerger>();
        builder.Services.AddScoped<VersionSteps>();
        builder.Services.AddSingleton<PartCurator>();
        builder.Services.AddSingleton<VersionFinisher>();
        builder.Services.AddSingleton<MixtureBuilder>();
        builder.AddStorageSweep<CurationSweepRule>();
        builder.Services.AddJobWaitSweep<CurationDbContext>(sp => sp.GetRequiredService<IOptions<CurationOptions>>().Value.Waits);
        builder.AddRefineryConsumers(AddConsumers);
        return builder;
    }

    /// <summary>Every consumer of the service, with its queue (also what the test harness registers).</summary>
    public static void AddConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<CreateDatasetVersionConsumer, CreateDatasetVersionConsumerDefinition>();
        x.AddConsumer<RankDatasetPartConsumer, RankDatasetPartConsumerDefinition>();
        x.AddConsumer<FinishDatasetRankingConsumer, FinishDatasetRankingConsumerDefinition>();
        x.AddConsumer<CurateDatasetPartConsumer, CurateDatasetPartConsumerDefinition>();
        x.AddConsumer<FinishDatasetVersionConsumer, FinishDatasetVersionConsumerDefinition>();
        x.AddConsumer<CreateDatasetMixtureConsumer, CreateDatasetMixtureConsumerDefinition>();
        DatasetStepFailures.Add(x);
        CurationWaits.Add(x);
    }
}
