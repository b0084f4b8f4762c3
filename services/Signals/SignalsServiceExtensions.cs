using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Quality.Resources;
using Refinery.Signals.Consumers;
using Refinery.Signals.Data;
using Refinery.Signals.Data.Migrations;
using Refinery.Signals.Options;
using Refinery.Signals.Pipeline;
using Refinery.Signals.Resources;

namespace Refinery.Signals;

/// <summary>The signals service's one registration site.</summary>
public static class SignalsServiceExtensions
{
    public static IHostApplicationBuilder AddSignalsService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SignalsOptions>()
            .Bind(builder.Configuration.GetSection(SignalsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddRefineryDbContext<SignalsDbContext, SqliteSignalsDbContext, PostgresSignalsDbContext>(SignalsDbContext.Schema);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SignalsOptions>>().Value;
            var logger = sp.GetRequiredService<ILogger<SignalResources>>();
            var cacheDir = string.IsNullOrWhiteSpace(options.ResourceCacheDir) ? RefineryCache.DefaultDirectory() : options.ResourceCacheDir;
            return new SignalResources(async ct =>
            {
                var lists = await Rpv2WordLists.LoadAsync(cacheDir, step => logger.LogInformation("Fetching signal resources: {Step}", step), ct);
                if (string.IsNullOrWhiteSpace(options.Ut1DomainList)) return lists;
                var domains = Ut1DomainList.Load(options.Ut1DomainList);
                return lists.WithUt1Domains(domains, Ut1DomainList.Describe(options.Ut1DomainList, domains));
            }, logger);
        });
        builder.Services.AddSingleton<SignalModels>();
        builder.Services.AddSingleton<SignalCompute>();
        builder.Services.AddScoped<SignalShardCatalog>();
        builder.Services.AddScoped<SignalsProgress>();
        builder.Services.AddScoped<ShardSignalRunner>();
        builder.AddRefineryConsumers(AddConsumers);
        return builder;
    }

    /// <summary>Every consumer of the service, with its queue (also what the test harness registers).</summary>
    public static void AddConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<CorpusShardIngestedConsumer, CorpusShardIngestedConsumerDefinition>();
        ShardStepFailures.Add(x);
    }
}
