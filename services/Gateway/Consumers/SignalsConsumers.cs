using MassTransit;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Signals;
using Refinery.Gateway.Data;
using Refinery.Hosting.Bus;

namespace Refinery.Gateway.Consumers;

/// <summary>Projects <see cref="ShardSignalsComputed"/>: the shard has signals of its configuration.</summary>
public sealed class ShardSignalsComputedConsumer(SignalsProjection projection) : IConsumer<ShardSignalsComputed>
{
    public Task Consume(ConsumeContext<ShardSignalsComputed> context) =>
        projection.ComputedAsync(context.Message, context.SentTime, context.CancellationToken);
}

/// <summary>A durable, competing-consumer queue: gateway-shard-signals-computed.</summary>
public sealed class ShardSignalsComputedConsumerDefinition : ConsumerDefinition<ShardSignalsComputedConsumer>
{
    public ShardSignalsComputedConsumerDefinition() => EndpointName = EndpointNames.For<ShardSignalsComputed>(GatewayServiceExtensions.ServiceName);
}

/// <summary>Projects <see cref="ShardSignalsFailed"/>: the shard failed at its step with the reason, and so did the
/// corpus's signals job of that configuration (readers of the corpus's signals, dedup and versions, fail with it).</summary>
public sealed class ShardSignalsFailedConsumer(SignalsProjection projection, JobProjection jobs) : IConsumer<ShardSignalsFailed>
{
    public async Task Consume(ConsumeContext<ShardSignalsFailed> context)
    {
        var (e, ct) = (context.Message, context.CancellationToken);
        await projection.FailedAsync(e, context.SentTime, ct);
        await jobs.FailedAsync(JobServices.Signals, JobIds.Signals(e.Corpus, e.Config), e.CorpusId, null, SignalsProjection.StepOf(e),
            context.SentTime, ct);
    }
}

/// <summary>A durable, competing-consumer queue: gateway-shard-signals-failed.</summary>
public sealed class ShardSignalsFailedConsumerDefinition : ConsumerDefinition<ShardSignalsFailedConsumer>
{
    public ShardSignalsFailedConsumerDefinition() => EndpointName = EndpointNames.For<ShardSignalsFailed>(GatewayServiceExtensions.ServiceName);
}
