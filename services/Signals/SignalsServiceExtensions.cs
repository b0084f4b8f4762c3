using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Data;
using Refinery.Quality.Rpv2;
using Refinery.Signals.Consumers;
using Refinery.Signals.Data;
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
        builder.AddRefineryDbContext<SignalsDbContext>(SignalsDbContext.Schema);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new SignalResources(LoadResources,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SignalResources>>()));
        builder.Services.AddSingleton<ComputerPool>();
        builder.Services.AddScoped<SignalShardCatalog>();
        builder.Services.AddScoped<ShardSignalRunner>();
        builder.AddRefineryConsumers(x => x.AddConsumer<CorpusShardIngestedConsumer, CorpusShardIngestedConsumerDefinition>());
        return builder;
    }

    private static Task<Rpv2Resources> LoadResources(CancellationToken ct) => Task.FromResult(Rpv2Resources.Empty);
}
