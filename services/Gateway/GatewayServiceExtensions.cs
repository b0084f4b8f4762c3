using MassTransit;
using Refinery.Contracts.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refinery.Gateway.Apis;
using Refinery.Gateway.Auth;
using Refinery.Gateway.Consumers;
using Refinery.Gateway.Data;
using Refinery.Gateway.Data.Migrations;
using Refinery.Gateway.Events;
using Refinery.Gateway.Options;
using Refinery.Gateway.Uploads;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Data;
using Refinery.Hosting.Storage;
using Scalar.AspNetCore;

namespace Refinery.Gateway;

/// <summary>The gateway's one registration site: HTTP API, API keys, its read models (corpora, dedups, datasets, jobs,
/// training jobs) and the event stream.</summary>
public static class GatewayServiceExtensions
{
    public const string ServiceName = "gateway";

    public static IHostApplicationBuilder AddGatewayService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .PostConfigure<IOptions<ApiKeysOptions>>((gateway, keys) =>
                gateway.RequireKeyForReads ??= keys.Value.Keys.Any(k => !string.IsNullOrEmpty(k.Key)))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ApiKeysOptions>()
            .Configure(o => o.Bind(builder.Configuration.GetSection(ApiKeysOptions.SectionName)))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiKeysOptions>, ApiKeysOptionsValidator>();
        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddSingleton<FailedAuthentications>();
        builder.Services.AddSingleton<ReadTickets>();

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var authorization = builder.Services.AddAuthorizationBuilder();
        foreach (var role in ApiKeyRoles.All)
        {
            authorization.AddPolicy(role, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireRole(ApiKeyRoles.Satisfying(role)));
        }

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = StatusProblems.AddDetail);
        // Option enums are strings in the API's JSON, as on the bus; a body that cannot be read (an unknown option
        // value, broken JSON) throws so BadRequestProblems can answer with the field and what it allows.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            ContractJson.Configure(o.SerializerOptions);
            // A misspelt field ("treshold") is an error naming it, never silently the default.
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddWriteRateLimit(
            builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions());
        builder.Services.AddOpenApi(o =>
        {
            o.AddSchemaTransformer(OptionValuesOpenApi.DescribeOptionEnum);
            o.AddOperationTransformer(CorpusUploadOpenApi.DescribeUploadForm);
            o.AddOperationTransformer(ApiConventions.DescribeStatusLink);
            o.AddDocumentTransformer(ApiKeyOpenApi.DescribeScheme);
            o.AddOperationTransformer(ApiKeyOpenApi.DescribeRequirement);
        });

        builder.AddRefineryDbContext<GatewayDbContext, SqliteGatewayDbContext, PostgresGatewayDbContext>(GatewayDbContext.Schema);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<CorpusClaims>();
        builder.Services.AddScoped<CorpusProjection>();
        builder.Services.AddScoped<DedupProjection>();
        builder.Services.AddScoped<SignalsProjection>();
        builder.Services.AddScoped<DatasetProjection>();
        builder.Services.AddScoped<JobProjection>();
        builder.Services.AddScoped<TrainingProjection>();
        builder.Services.AddSingleton<EventBroadcaster>();
        // Staged parts of uploads a dead gateway left behind.
        builder.AddStorageSweep<UploadStagingSweepRule>();

        // Unique per process: each gateway process gets its own temporary queue bound to every event,
        // so each one sees every event (a shared queue would split them between processes).
        var instanceId = NewId.Next().ToString("N");
        builder.AddRefineryConsumers(x =>
        {
            x.AddConsumer<CorpusIngestionStartedConsumer, CorpusIngestionStartedConsumerDefinition>();
            x.AddConsumer<CorpusShardIngestedConsumer, CorpusShardIngestedConsumerDefinition>();
            x.AddConsumer<CorpusIngestedConsumer, CorpusIngestedConsumerDefinition>();
            x.AddConsumer<CorpusIngestionFailedConsumer, CorpusIngestionFailedConsumerDefinition>();
            x.AddConsumer<ShardSignalsComputedConsumer, ShardSignalsComputedConsumerDefinition>();
            x.AddConsumer<ShardSignalsFailedConsumer, ShardSignalsFailedConsumerDefinition>();
            x.AddConsumer<CorpusDeduplicatedConsumer, CorpusDeduplicatedConsumerDefinition>();
            x.AddConsumer<CorpusDeduplicationFailedConsumer, CorpusDeduplicationFailedConsumerDefinition>();
            x.AddConsumer<DatasetVersionCreatedConsumer, DatasetVersionCreatedConsumerDefinition>();
            x.AddConsumer<DatasetVersionFailedConsumer, DatasetVersionFailedConsumerDefinition>();
            x.AddConsumer<JobProgressedConsumer, JobProgressedConsumerDefinition>();
            x.AddConsumer<TrainingJobStartedConsumer, TrainingJobStartedConsumerDefinition>();
            x.AddConsumer<TrainingJobProgressedConsumer, TrainingJobProgressedConsumerDefinition>();
            x.AddConsumer<TrainingJobCompletedConsumer, TrainingJobCompletedConsumerDefinition>();
            x.AddConsumer<TrainingJobFailedConsumer, TrainingJobFailedConsumerDefinition>();
            x.AddConsumer<TrainingJobCancelledConsumer, TrainingJobCancelledConsumerDefinition>();
            foreach (var eventType in GatewayEvents.All)
            {
                eventType.AddFanoutConsumer(x, e =>
                {
                    // Temporary: auto-delete and non-durable on RabbitMQ, gone when the process stops.
                    e.Name = $"{ServiceName}-events-{instanceId}";
                    e.Temporary = true;
                });
            }
        });
        return builder;
    }

    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        // A 4xx that ASP.NET answers without a body (routing's 404, 405 and 415, a bare 400) gets problem details too.
        app.UseStatusCodePages();
        app.UseMiddleware<BadRequestProblems>();
        app.UsePresentedKeyCheck();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapCorporaApi(options);
        app.MapDedupApi(options);
        app.MapDatasetsApi(options);
        app.MapJobsApi(options);
        app.MapTrainingApi(options);
        app.MapEventsApi(options);
        return app;
    }
}
