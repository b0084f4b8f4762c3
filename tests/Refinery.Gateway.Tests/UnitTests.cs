using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Auth;
using Refinery.Gateway.Consumers;
using Refinery.Gateway.Domain;
using Refinery.Gateway.Events;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Tests;

public sealed class UploadFileNamesTests
{
    [Theory]
    [InlineData("part-1.jsonl", "part-1.jsonl")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\me\\data.warc.gz", "data.warc.gz")]
    [InlineData("dir/sub/file.parquet", "file.parquet")]
    public void Sanitize_StripsDirectories(string sent, string expected) =>
        Assert.Equal(expected, UploadFileNames.Sanitize(sent, out _));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/..")]
    [InlineData("dir/")]
    [InlineData("bad\nname.jsonl")]
    [InlineData("x..y")]
    public void Sanitize_RefusesUnsafeNames(string sent)
    {
        Assert.Null(UploadFileNames.Sanitize(sent, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Sanitize_RefusesNamesLongerThan200() =>
        Assert.Null(UploadFileNames.Sanitize(new string('a', 201), out _));

    [Theory]
    [InlineData("report\u202Etxt.exe", "U+202E")]
    [InlineData("a\u200Bb.jsonl", "U+200B")]
    [InlineData("\uFEFFa.jsonl", "U+FEFF")]
    [InlineData("a.jsonl\n", "U+000A")]
    [InlineData("dir\u202E/a.jsonl", "U+202E")]
    public void Sanitize_RefusesFormatAndControlCharacters_NamingThem(string escaped, string codePoint)
    {
        Assert.Null(UploadFileNames.Sanitize(System.Text.RegularExpressions.Regex.Unescape(escaped), out var problem));
        Assert.Contains(codePoint, problem);
    }

    [Fact]
    public void Sanitize_CountsBytes_NotCharacters()
    {
        Assert.Equal(new string('ü', 100), UploadFileNames.Sanitize(new string('ü', 100), out _));
        Assert.Null(UploadFileNames.Sanitize(new string('ü', 101), out var problem));
        Assert.Contains("202 UTF-8 bytes", problem);
    }
}

public sealed class ApiKeyRingTests
{
    private static ApiKeyRing Ring(params (string Key, ApiKeyRole Role)[] keys)
    {
        var options = new ApiKeysOptions();
        options.Keys.AddRange(keys.Select(k => new ApiKeyEntry { Key = k.Key, Role = k.Role }));
        return new ApiKeyRing(Microsoft.Extensions.Options.Options.Create(options));
    }

    [Fact]
    public void RoleOf_ConfiguredKey_IsItsRole() =>
        Assert.Equal("writer", Ring(("r-key", ApiKeyRole.Reader), ("w-key", ApiKeyRole.Writer)).RoleOf("w-key"));

    [Fact]
    public void RoleOf_UnknownKey_IsNull() => Assert.Null(Ring(("r-key", ApiKeyRole.Reader)).RoleOf("r-key2"));

    [Fact]
    public void Fingerprint_DoesNotContainTheKey()
    {
        var fingerprint = ApiKeyRing.Fingerprint("super-secret-key");
        Assert.DoesNotContain("secret", fingerprint);
        Assert.Matches("^key-[0-9a-f]{8}$", fingerprint);
    }

    [Fact]
    public void Policies_AreInclusiveUpwards()
    {
        Assert.Equal(["reader", "writer", "admin"], ApiKeyRoles.Satisfying(ApiKeyRoles.Reader));
        Assert.Equal(["writer", "admin"], ApiKeyRoles.Satisfying(ApiKeyRoles.Writer));
        Assert.Equal(["admin"], ApiKeyRoles.Satisfying(ApiKeyRoles.Admin));
    }

    [Fact]
    public void Validator_RefusesAKeyWithoutARole_WithoutEchoingTheKey()
    {
        var options = new ApiKeysOptions();
        options.Keys.Add(new ApiKeyEntry { Key = "hush-hush" });

        var result = new ApiKeysOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.DoesNotContain("hush-hush", result.FailureMessage);
        Assert.Contains("Refinery:ApiKeys:0:Role must be one of reader, writer, admin", result.FailureMessage);
    }

    [Fact]
    public void Roles_AreBoundFromTheirNames_AndAnUnknownOneIsRefusedNamingItsSetting()
    {
        static ApiKeysOptions Bind(string role)
        {
            var options = new ApiKeysOptions();
            options.Bind(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Refinery:ApiKeys:0:Key"] = "k", ["Refinery:ApiKeys:0:Role"] = role })
                .Build().GetSection(ApiKeysOptions.SectionName));
            return options;
        }

        Assert.Equal(ApiKeyRole.Writer, Assert.Single(Bind("Writer").Keys).Role);
        Assert.Equal(["reader", "writer", "admin"], ApiKeyRoles.All);
        // A name that is no role leaves the key without one (not the key dropped), and the validator refuses it.
        Assert.Null(Assert.Single(Bind("1").Keys).Role);
        var unknown = Bind("superuser");
        Assert.Null(Assert.Single(unknown.Keys).Role);
        var result = new ApiKeysOptionsValidator().Validate(null, unknown);
        Assert.True(result.Failed);
        Assert.Contains("Refinery:ApiKeys:0:Role must be one of reader, writer, admin", result.FailureMessage);
    }
}

public sealed class EventBroadcasterTests
{
    private static EventBroadcaster Broadcaster(int buffer) =>
        new(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { EventBufferPerSubscriber = buffer }));

    private static PlatformEvent Failed(Guid corpus, string reason) =>
        PlatformEvent.From(new CorpusIngestionFailed { CorpusId = corpus, Name = "x", Reason = reason }, Guid.NewGuid());

    [Fact]
    public void SlowSubscriber_LosesTheOldest_AndNeverBlocksThePublisher()
    {
        var broadcaster = Broadcaster(2);
        using var subscription = broadcaster.Subscribe(EventFilter.All);

        for (var i = 0; i < 5; i++) broadcaster.Publish(Failed(Guid.Empty, $"r{i}"));

        Assert.Equal(3, subscription.Dropped);
        Assert.True(subscription.Reader.TryRead(out var first));
        Assert.Contains("r3", first.Json);
    }

    [Fact]
    public void Filter_ByTypeAndCorpus_MatchesOnlyThose()
    {
        var corpus = Guid.NewGuid();
        var filter = new EventFilter(new HashSet<string> { nameof(CorpusIngestionFailed) },
            new Dictionary<string, string> { ["corpus"] = corpus.ToString() });

        Assert.True(filter.Matches(Failed(corpus, "a")));
        Assert.False(filter.Matches(Failed(Guid.NewGuid(), "a")));
        Assert.False(filter.Matches(PlatformEvent.From(
            new CorpusIngestionStarted { CorpusId = corpus, Name = "x", SourceCount = 1 }, Guid.NewGuid())));
    }

    [Fact]
    public void DisposedSubscription_GetsNothingMore()
    {
        var broadcaster = Broadcaster(8);
        var subscription = broadcaster.Subscribe(EventFilter.All);
        subscription.Dispose();

        broadcaster.Publish(Failed(Guid.Empty, "late"));

        Assert.Equal(0, broadcaster.SubscriberCount);
        Assert.False(subscription.Reader.TryRead(out _));
    }

    [Fact]
    public void EventList_CoversTheIngestionSignalsDedupCurationAndTrainingEvents_AndJobProgress() =>
        Assert.Equal(
            [nameof(CorpusIngestionStarted), nameof(CorpusShardIngested), nameof(CorpusIngested), nameof(CorpusIngestionFailed),
             nameof(Refinery.Contracts.Signals.ShardSignalsComputed), nameof(Refinery.Contracts.Signals.ShardSignalsFailed),
             nameof(Refinery.Contracts.Dedup.CorpusDeduplicated), nameof(Refinery.Contracts.Dedup.CorpusDeduplicationFailed),
             nameof(Refinery.Contracts.Curation.DatasetVersionCreated), nameof(Refinery.Contracts.Curation.DatasetVersionFailed),
             nameof(Refinery.Contracts.Jobs.JobProgressed), nameof(Refinery.Contracts.Training.TrainingJobStarted),
             nameof(Refinery.Contracts.Training.TrainingJobProgressed), nameof(Refinery.Contracts.Training.TrainingJobCompleted),
             nameof(Refinery.Contracts.Training.TrainingJobFailed), nameof(Refinery.Contracts.Training.TrainingJobCancelled)],
            GatewayEvents.All.Select(e => e.Name));
}

public sealed class EndpointNameTests
{
    [Fact]
    public void ProjectionQueues_AreGatewayPrefixed()
    {
        Assert.Equal("gateway-corpus-ingestion-started", ((IConsumerDefinition)new CorpusIngestionStartedConsumerDefinition()).GetEndpointName(KebabCaseEndpointNameFormatter.Instance));
        Assert.Equal("gateway-corpus-shard-ingested", ((IConsumerDefinition)new CorpusShardIngestedConsumerDefinition()).GetEndpointName(KebabCaseEndpointNameFormatter.Instance));
        Assert.Equal("gateway-corpus-ingested", ((IConsumerDefinition)new CorpusIngestedConsumerDefinition()).GetEndpointName(KebabCaseEndpointNameFormatter.Instance));
        Assert.Equal("gateway-corpus-ingestion-failed", ((IConsumerDefinition)new CorpusIngestionFailedConsumerDefinition()).GetEndpointName(KebabCaseEndpointNameFormatter.Instance));
        Assert.Equal("gateway-job-progressed", ((IConsumerDefinition)new JobProgressedConsumerDefinition()).GetEndpointName(KebabCaseEndpointNameFormatter.Instance));
        Assert.Equal("gateway-shard-signals-computed", ((IConsumerDefinition)new ShardSignalsComputedConsumerDefinition()).GetEndpointName(KebabCaseEndpointNameFormatter.Instance));
        Assert.Equal("gateway-shard-signals-failed", ((IConsumerDefinition)new ShardSignalsFailedConsumerDefinition()).GetEndpointName(KebabCaseEndpointNameFormatter.Instance));
    }

    [Fact]
    public void IngestCorpus_GoesToTheIngestionQueue() =>
        Assert.Equal(new Uri("queue:ingestion-ingest-corpus"), CommandQueues.Uri(CommandQueues.IngestCorpus));
}

public sealed class QueryFilterNamesTests
{
    // The filters' enums read the names the read model's columns hold; a member renamed on one side only would make a
    // filter that matches nothing.
    [Fact]
    public void EveryFilterName_IsAStoredName()
    {
        Assert.Equal([JobStates.Running, JobStates.Waiting, JobStates.Done, JobStates.Failed, JobStates.Cancelled],
            Refinery.Contracts.Options.OptionValues<JobState>.Names);
        Assert.Equal([JobServices.Ingestion, JobServices.Signals, JobServices.Dedup, JobServices.Curation, JobServices.Training],
            Refinery.Contracts.Options.OptionValues<JobService>.Names);
        Assert.Equal([TrainingJobStatuses.Submitted, TrainingJobStatuses.Running, TrainingJobStatuses.Completed, TrainingJobStatuses.Failed,
            TrainingJobStatuses.Cancelled], Refinery.Contracts.Options.OptionValues<TrainingJobState>.Names);
    }
}
