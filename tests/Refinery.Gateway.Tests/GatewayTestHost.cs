using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Hosting;
using Refinery.Hosting.Bus;
using Refinery.Storage;

namespace Refinery.Gateway.Tests;

/// <summary>A process with only the gateway (as the Host composes it: defaults, the service, the bus, the endpoints)
/// on a TestServer, an in-memory bus, SQLite and a filesystem store in a temp data directory of its own. A test
/// consumer stands in for the ingestion service on its command queue.</summary>
public class GatewayTestHost : IAsyncLifetime
{
    public const string ReaderKey = "reader-key-0123456789abcdef";
    public const string WriterKey = "writer-key-0123456789abcdef";
    public const string AdminKey = "admin-key-0123456789abcdef";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "refinery-gateway-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    /// <summary>Configuration on top of the data directory; the default has a reader, a writer and an admin key, and
    /// opens reads explicitly (most tests read without a key; <see cref="DefaultReadsGateway"/> keeps the default).</summary>
    protected virtual Dictionary<string, string?> Configuration() => new()
    {
        ["Refinery:Gateway:RequireKeyForReads"] = "false",
        ["Refinery:ApiKeys:0:Key"] = ReaderKey,
        ["Refinery:ApiKeys:0:Role"] = "reader",
        ["Refinery:ApiKeys:1:Key"] = WriterKey,
        ["Refinery:ApiKeys:1:Role"] = "writer",
        ["Refinery:ApiKeys:2:Key"] = AdminKey,
        ["Refinery:ApiKeys:2:Role"] = "admin",
    };

    /// <summary>Services registered after the gateway's and the bus's, so a host may replace one of theirs.</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    public WebApplication App => _app ?? throw new InvalidOperationException("not started");
    public IServiceProvider Services => App.Services;
    public IObjectStore Store => Services.GetRequiredService<IObjectStore>();
    public IBus Bus => Services.GetRequiredService<IBus>();
    public SentCommands Sent => Services.GetRequiredService<SentCommands>();

    public HttpClient Client(string? apiKey = null)
    {
        var client = App.GetTestClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    public virtual async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        var config = Configuration();
        config["Refinery:DataDir"] = _dataDir;
        config["Serilog:MinimumLevel:Default"] = "Warning";
        builder.Configuration.AddInMemoryCollection(config);

        builder.AddRefineryDefaults();
        builder.AddGatewayService();
        builder.Services.AddSingleton<SentCommands>();
        builder.AddRefineryConsumers(x =>
        {
            x.AddConsumer<CaptureIngestCorpus>().Endpoint(e => e.Name = CommandQueues.IngestCorpus);
            x.AddConsumer<CaptureDeduplicateCorpus>().Endpoint(e => e.Name = CommandQueues.DeduplicateCorpus);
            x.AddConsumer<CaptureCreateDatasetVersion>().Endpoint(e => e.Name = CommandQueues.CreateDatasetVersion);
            x.AddConsumer<CaptureCreateDatasetMixture>().Endpoint(e => e.Name = CommandQueues.CreateDatasetMixture);
            x.AddConsumer<CaptureSubmitTrainingJob>().Endpoint(e => e.Name = CommandQueues.SubmitTrainingJob);
            x.AddConsumer<CaptureCancelTrainingJob>().Endpoint(e => e.Name = CommandQueues.CancelTrainingJob);
        });
        builder.AddRefineryBus();
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        ConfigureServices(builder.Services);

        _app = builder.Build();
        _app.MapGatewayEndpoints();
        _app.MapRefineryDefaults();
        await _app.StartAsync();
        _app.Services.GetRequiredService<IBus>().ConnectSendObserver(Sent);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Makes <paramref name="name"/> a corpus this gateway knows, as a submission does: it claims the name
    /// (a row in its corpora table, stage submitted) without sending the ingestion. A dedup or dataset version naming a
    /// corpus nobody submitted is refused, so a test of those writes names a known one. Calling it again is harmless.</summary>
    public async Task KnownCorpusAsync(string name)
    {
        await using var scope = Services.CreateAsyncScope();
        // The fingerprint stands for content no real submission has: a test submitting this name for real gets a 409.
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("known-corpus:" + name)));
        var outcome = await scope.ServiceProvider.GetRequiredService<CorpusClaims>()
            .ClaimAsync(CorpusNames.IdOf(name), name, sourceCount: 1, fingerprint, TimeSpan.FromMinutes(2), CancellationToken.None);
        if (outcome is not (ClaimOutcome.Claimed or ClaimOutcome.Existing))
            throw new InvalidOperationException($"corpus '{name}' is held by other content ({outcome})");
    }

    /// <summary>Announces a finished version of <paramref name="tokens"/> training tokens, as the Curation service
    /// would, and waits until this gateway has it (a mixture may name only versions the gateway has seen finished).</summary>
    public async Task AnnounceVersionAsync(string dataset, string version, long tokens)
    {
        var manifest = new ObjectRef { Bucket = "refinery", Key = $"datasets/{dataset}/{version}/manifest.json", Sha256 = new string('a', 64), Length = 10 };
        await Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionCreated
            { Dataset = dataset, Version = version, Manifest = manifest, Documents = 10, KeptDocuments = 10, Tokens = tokens, ValidationTokens = 0 });
        await EventuallyAsync($"/api/datasets/{dataset}/versions/{version}", v => v.GetProperty("stage").GetString() == "done");
    }

    /// <summary>Polls GET <paramref name="url"/> until <paramref name="done"/> holds for its JSON, for at most 15 s.</summary>
    public async Task<JsonElement> EventuallyAsync(string url, Func<JsonElement, bool> done)
    {
        using var client = Client();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(url);
            if (response.IsSuccessStatusCode)
            {
                last = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (done(last)) return last;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"GET {url} did not reach the expected state; last: {last}");
    }
}

/// <summary>Commands the stand-in ingestion consumer received, with the queue they arrived on; it also observes the
/// bus's sends, so a test can wait until every ingestion sent so far has arrived instead of sleeping.</summary>
public sealed class SentCommands : ISendObserver
{
    private readonly ConcurrentDictionary<Guid, int> _sent = new();

    private readonly Channel<(IngestCorpus Command, Uri? InputAddress)> _received = Channel.CreateUnbounded<(IngestCorpus, Uri?)>();
    private readonly ConcurrentQueue<(IngestCorpus, Uri?)> _all = new();

    /// <summary>DeduplicateCorpus commands received on the dedup queue.</summary>
    public ConcurrentQueue<Refinery.Contracts.Dedup.DeduplicateCorpus> Dedup { get; } = new();

    /// <summary>CreateDatasetVersion commands received on the curation queue.</summary>
    public ConcurrentQueue<Refinery.Contracts.Curation.CreateDatasetVersion> Datasets { get; } = new();

    /// <summary>CreateDatasetMixture commands received on the curation queue.</summary>
    public ConcurrentQueue<Refinery.Contracts.Curation.CreateDatasetMixture> Mixtures { get; } = new();

    /// <summary>SubmitTrainingJob commands received on the training queue.</summary>
    public ConcurrentQueue<Refinery.Contracts.Training.SubmitTrainingJob> Training { get; } = new();

    /// <summary>CancelTrainingJob commands received on the training queue.</summary>
    public ConcurrentQueue<Refinery.Contracts.Training.CancelTrainingJob> Cancels { get; } = new();

    internal void Add(IngestCorpus command, Uri? input)
    {
        _all.Enqueue((command, input));
        _received.Writer.TryWrite((command, input));
    }

    /// <summary>How many commands for <paramref name="corpusId"/> arrived so far.</summary>
    public int CountFor(Guid corpusId) => _all.Count(c => c.Item1.CorpusId == corpusId);

    /// <summary>How many commands for <paramref name="corpusId"/> arrived once every one sent so far has arrived (at
    /// most 10 s). A request's send completes before its answer, so after the answers this count is final.</summary>
    public async Task<int> SettledCountFor(Guid corpusId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (CountFor(corpusId) != _sent.GetValueOrDefault(corpusId))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{_sent.GetValueOrDefault(corpusId)} ingestions sent, {CountFor(corpusId)} arrived");
            await Task.Delay(20);
        }
        return CountFor(corpusId);
    }

    public Task PostSend<T>(SendContext<T> context) where T : class
    {
        if (context.Message is IngestCorpus command) _sent.AddOrUpdate(command.CorpusId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task PreSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    /// <summary>The first received command for <paramref name="corpusId"/>; fails after 10 s.</summary>
    public async Task<(IngestCorpus Command, Uri? InputAddress)> WaitForAsync(Guid corpusId)
    {
        foreach (var item in _all)
            if (item.Item1.CorpusId == corpusId) return item;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var item in _received.Reader.ReadAllAsync(timeout.Token))
            if (item.Command.CorpusId == corpusId) return item;
        throw new TimeoutException("no command");
    }
}

/// <summary>Stands in for the dedup service on queue dedup-deduplicate-corpus; refuses a corpus named "doomed" as the
/// service refuses one without documents: it publishes the failure of the request step.</summary>
public sealed class CaptureDeduplicateCorpus(SentCommands sent) : IConsumer<Refinery.Contracts.Dedup.DeduplicateCorpus>
{
    public async Task Consume(ConsumeContext<Refinery.Contracts.Dedup.DeduplicateCorpus> context)
    {
        sent.Dedup.Enqueue(context.Message);
        if (context.Message.Corpus == "doomed")
            await context.Publish(new Refinery.Contracts.Dedup.CorpusDeduplicationFailed
            {
                CorpusId = CorpusNames.IdOf("doomed"), Corpus = "doomed", Config = Refinery.Contracts.Dedup.DedupOutputs.Config(context.Message),
                Step = "request", Reason = "corpus 'doomed' has no document shards",
            });
    }
}

/// <summary>Stands in for the curation service on queue curation-create-dataset-version; refuses a dataset named
/// "doomed" as the service refuses a corpus without documents: it publishes the failure of the request step.</summary>
public sealed class CaptureCreateDatasetVersion(SentCommands sent) : IConsumer<Refinery.Contracts.Curation.CreateDatasetVersion>
{
    /// <summary>What the Curation service publishes for a request it refuses before naming a version.</summary>
    public static Task RefuseAsync(ConsumeContext context, Guid? requestId, string reason) =>
        context.Publish(new Refinery.Contracts.Curation.DatasetVersionFailed
        {
            Dataset = "doomed", Version = "", Step = "request", Reason = $"request: {reason}", RequestId = requestId,
        });

    public Task Consume(ConsumeContext<Refinery.Contracts.Curation.CreateDatasetVersion> context)
    {
        sent.Datasets.Enqueue(context.Message);
        return context.Message.Dataset == "doomed" ? RefuseAsync(context, context.Message.RequestId, "corpus 'web' has no document shards") : Task.CompletedTask;
    }
}

/// <summary>Stands in for the curation service on queue curation-create-dataset-mixture; refuses a mixture named
/// "doomed" as the service refuses one whose component is not finished.</summary>
public sealed class CaptureCreateDatasetMixture(SentCommands sent) : IConsumer<Refinery.Contracts.Curation.CreateDatasetMixture>
{
    public Task Consume(ConsumeContext<Refinery.Contracts.Curation.CreateDatasetMixture> context)
    {
        sent.Mixtures.Enqueue(context.Message);
        return context.Message.Dataset == "doomed"
            ? CaptureCreateDatasetVersion.RefuseAsync(context, context.Message.RequestId, "the components were tokenized differently (gpt2, bytes)")
            : Task.CompletedTask;
    }
}

/// <summary>Stands in for the training service on queue training-submit-training-job.</summary>
public sealed class CaptureSubmitTrainingJob(SentCommands sent) : IConsumer<Refinery.Contracts.Training.SubmitTrainingJob>
{
    public Task Consume(ConsumeContext<Refinery.Contracts.Training.SubmitTrainingJob> context)
    {
        sent.Training.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>Stands in for the training service on queue training-cancel-training-job.</summary>
public sealed class CaptureCancelTrainingJob(SentCommands sent) : IConsumer<Refinery.Contracts.Training.CancelTrainingJob>
{
    public Task Consume(ConsumeContext<Refinery.Contracts.Training.CancelTrainingJob> context)
    {
        sent.Cancels.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>Stands in for the ingestion service on queue ingestion-ingest-corpus.</summary>
public sealed class CaptureIngestCorpus(SentCommands sent) : IConsumer<IngestCorpus>
{
    public Task Consume(ConsumeContext<IngestCorpus> context)
    {
        sent.Add(context.Message, context.ReceiveContext.InputAddress);
        return Task.CompletedTask;
    }
}

/// <summary>Keys configured, default limits, a 1 MiB upload limit to test refusals cheaply.</summary>
public sealed class KeyedGateway : GatewayTestHost
{
    public const long MaxUploadBytes = 1024 * 1024;

    protected override Dictionary<string, string?> Configuration()
    {
        var config = base.Configuration();
        config["Refinery:Gateway:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return config;
    }
}

/// <summary>Keys configured, on a PostgreSQL database and an S3 bucket of its own on the real servers (the bus stays in
/// memory): the store and database a distributed gateway runs on.</summary>
public sealed class RealStoreGateway : GatewayTestHost
{
    private string? _postgres;
    private string? _bucket;

    public override async Task InitializeAsync()
    {
        _postgres = await Refinery.TestSupport.TestInfrastructure.CreatePostgresDatabaseAsync("gwclaims");
        _bucket = await Refinery.TestSupport.TestInfrastructure.CreateS3BucketAsync("gwclaims");
        await base.InitializeAsync();
    }

    protected override Dictionary<string, string?> Configuration()
    {
        var config = base.Configuration();
        config["Refinery:Database"] = "Postgres";
        config["ConnectionStrings:Postgres"] = _postgres;
        config["Refinery:ObjectStore"] = "S3";
        config["Refinery:Bucket"] = _bucket;
        config["Refinery:S3:Endpoint"] = Refinery.TestSupport.TestInfrastructure.S3Endpoint;
        config["Refinery:S3:AccessKey"] = Refinery.TestSupport.TestInfrastructure.S3AccessKey;
        config["Refinery:S3:SecretKey"] = Refinery.TestSupport.TestInfrastructure.S3SecretKey;
        config["Refinery:S3:Bucket"] = _bucket;
        return config;
    }
}

/// <summary>No API keys at all.</summary>
public sealed class KeylessGateway : GatewayTestHost
{
    protected override Dictionary<string, string?> Configuration() => [];
}

/// <summary>No API keys, anonymous writes allowed (the embedded demo mode).</summary>
public sealed class AnonymousWritesGateway : GatewayTestHost
{
    protected override Dictionary<string, string?> Configuration() => new() { ["Refinery:Gateway:AllowAnonymousWrites"] = "true" };
}

/// <summary>Keys configured and nothing said about reads: the default, which closes them.</summary>
public sealed class DefaultReadsGateway : GatewayTestHost
{
    protected override Dictionary<string, string?> Configuration()
    {
        var config = base.Configuration();
        config.Remove("Refinery:Gateway:RequireKeyForReads");
        return config;
    }
}

/// <summary>Keys configured and required for reads.</summary>
public sealed class ClosedReadsGateway : GatewayTestHost
{
    protected override Dictionary<string, string?> Configuration()
    {
        var config = base.Configuration();
        config["Refinery:Gateway:RequireKeyForReads"] = "true";
        return config;
    }
}

/// <summary>Keys configured and at most two writes per minute per client.</summary>
public sealed class RateLimitedGateway : GatewayTestHost
{
    protected override Dictionary<string, string?> Configuration()
    {
        var config = base.Configuration();
        config["Refinery:Gateway:WritesPerMinute"] = "2";
        return config;
    }
}

/// <summary>Keys configured, two writes per minute per client and three refused keys per minute per address.</summary>
public sealed class KeyAbuseGateway : GatewayTestHost
{
    protected override Dictionary<string, string?> Configuration()
    {
        var config = base.Configuration();
        config["Refinery:Gateway:WritesPerMinute"] = "2";
        config["Refinery:Gateway:FailedAuthenticationsPerMinute"] = "3";
        return config;
    }
}

/// <summary>Keys configured, and a bus that takes no command: every send fails as when the broker is unreachable.</summary>
public sealed class BusDownGateway : GatewayTestHost
{
    protected override void ConfigureServices(IServiceCollection services) => services.AddScoped<ISendEndpointProvider, UnreachableSendEndpoints>();

    private sealed class UnreachableSendEndpoints : ISendEndpointProvider
    {
        public Task<ISendEndpoint> GetSendEndpoint(Uri address) =>
            Task.FromException<ISendEndpoint>(new BrokerUnreachableException($"broker unreachable for {address}"));

        public ConnectHandle ConnectSendObserver(ISendObserver observer) => new NoHandle();

        private sealed class NoHandle : ConnectHandle
        {
            public void Disconnect() { }
            public void Dispose() { }
        }
    }

    private sealed class BrokerUnreachableException(string message) : MassTransitException(message);
}
