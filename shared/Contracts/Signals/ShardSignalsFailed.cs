namespace Refinery.Contracts.Signals;

/// <summary>Event: the signals of one document shard could not be computed, for good (input that can never succeed,
/// or every retry failed), with the reason. The shard has no signal shard of <see cref="Config"/> until it is announced again.</summary>
public sealed record ShardSignalsFailed
{
    public required Guid CorpusId { get; init; }
    public required string Corpus { get; init; }
    public required int Shard { get; init; }
    /// <summary>The configuration tag the output would have been named by (see <see cref="ShardSignalsComputed.Config"/>).</summary>
    public required string Config { get; init; }
    /// <summary>The step that failed for good ("shard 3"). Empty from a publisher older than the field, whose one step
    /// was the shard.</summary>
    public string Step { get; init; } = "";
    public required string Reason { get; init; }
}
