using MassTransit;
using Microsoft.Extensions.Options;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Hosting.Jobs;
using Refinery.Signals.Options;

namespace Refinery.Signals.Consumers;

/// <summary>A shard whose signals fail for good (after their retries) becomes <see cref="ShardSignalsFailed"/>, on queue
/// signals-step-faults. Only faults of the signals consumer count: the gateway consumes the same event.</summary>
public sealed class ShardStepFailures(IOptions<SignalsOptions> options)
{
    public const string Queue = "signals-step-faults";

    public static void Add(IBusRegistrationConfigurator x) =>
        x.AddStepFailures<ShardStepFailures, ShardSignalsFailed>(Queue)
            .Step<CorpusShardIngested>(CorpusShardIngestedConsumerDefinition.Queue, m => $"shard {m.Shard}",
                (f, m, s, _) => Task.FromResult<ShardSignalsFailed?>(f.Of(m, s)));

    private ShardSignalsFailed Of(CorpusShardIngested shard, FailedStep failed) => new()
    {
        CorpusId = shard.CorpusId, Corpus = shard.Corpus, Shard = shard.Shard, Config = options.Value.Config, Step = failed.Step,
        Reason = failed.Reason,
    };
}
