using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Data;
using Refinery.Hosting.Jobs;
using Refinery.Ingestion.Consumers;
using Refinery.Ingestion.Data;
using Refinery.Ingestion.Data.Migrations;
using Refinery.Ingestion.Jobs;
using Refinery.Ingestion.Language;
using Refinery.Ingestion.Options;
using Refinery.Ingestion.Pipeline;

namespace Refinery.Ingestion;

/// <summary>The ingestion service's one registration site.</summary>
public static class IngestionServiceExtensions
{
    public static IHostApplicationBuilder AddIngestionService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>()
            .Bind(builder.Configuration.GetSection(IngestionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddRefineryDbContext<IngestionDbContext, SqliteIngestionDbContext, PostgresIngestionDbContext>(IngestionDbContext.Schema);
        // Built on first use: loading the language models takes time and memory (Lingua's: seconds and ~1 GB).
        builder.Services.AddSingleton(sp => new Lazy<LanguageIdentifier>(() =>
        {
            var o = sp.GetRequiredService<IOptions<IngestionOptions>>().Value;
            return new LanguageIdentifier(o.Languages, o.LanguageSampleChars, o.LanguageDetector);
        }));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<CorpusIngestor>();
        builder.Services.AddLeasedJobs<ClaimedJob, IngestionJobs, IngestionRunner>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IngestionOptions>>().Value;
            return new LeasedJobOptions(o.JobLease, o.JobPollInterval);
        });
        builder.AddRefineryConsumers(AddConsumers);
        return builder;
    }

    /// <summary>Every consumer of the service, with its queue (also what the test harness registers).</summary>
    public static void AddConsumers(IBusRegistrationConfigurator x)
    {
        x.AddConsumer<IngestCorpusConsumer, IngestCorpusConsumerDefinition>();
        IngestionStepFailures.Add(x);
    }
}
