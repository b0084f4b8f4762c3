using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Gateway.Data;
using Refinery.Gateway.Options;
using Refinery.Storage;

namespace Refinery.Gateway.Apis;

/// <summary>The request body of POST /api/corpora/{name}/dedup.</summary>
public sealed record DedupRequest(double? Threshold, string? SignalsConfig, ExactMode? Exact = null, KeepPolicy? Keep = null,
    double? FalsePositiveRate = null, bool? Verify = null, ExactKeyKind? ExactKey = null);

/// <summary>What a dedup request started: where the clusters will be, the URL to poll and which event announces them.</summary>
public sealed record DedupAccepted(string Corpus, double Threshold, string Config, string Clusters, string StatusUrl, string Events);

/// <summary>One dedup request of a corpus as the gateway last saw it: requested (with its job's progress), done (with
/// counts) or failed.</summary>
public sealed record DedupStatus(string Corpus, string Config, string Stage, double Threshold, ObjectRef? Clusters, long Documents,
    long ClusteredDocuments, long ClusterCount, long Removed, long ExactDuplicates, long EarlierCorpusDuplicates, string? Error,
    DateTime UpdatedAt, string? FailedStep = null, JobProgress? Progress = null)
{
    public static DedupStatus Of(Domain.DedupView v, string bucket, Domain.JobView? job) => new(v.Corpus, v.Config, v.Stage, v.Threshold,
        v.ClustersKey is null ? null : new ObjectRef { Bucket = bucket, Key = v.ClustersKey, Sha256 = v.ClustersSha256!, Length = v.ClustersLength },
        v.Documents, v.ClusteredDocuments, v.ClusterCount, v.Removed, v.ExactDuplicates, v.EarlierCorpusDuplicates, v.Error, v.UpdatedAt, v.FailedStep,
        JobProgress.Of(job));
}

/// <summary>POST /api/corpora/{name}/dedup starts the exact and near-duplicate clusters of an ingested corpus whose
/// signals are computed; GET /api/corpora/{name}/dedup and /api/corpora/{name}/dedup/{config} show the requests.</summary>
public static class DedupApi
{
    public static ApiGroup MapDedupApi(this IEndpointRouteBuilder app, GatewayOptions options)
    {
        var api = app.MapApiGroup("/api/corpora/{name}/dedup", "Corpora", options);
        api.Writes.MapPost("/", StartAsync)
            .AcceptedWithStatusAt("/api/corpora/{name}/dedup/{config}")
            .WithSummary("Find the exact and near-duplicate clusters of a corpus")
            .WithDescription("MinHash LSH over the bands of the corpus's signal shards at one of RPv2's thresholds (0.7, 0.8, 0.9, 1.0), and " +
                             "exact copies of the normalised text within the corpus and against every corpus deduplicated before " +
                             "(exact: set, bloom or none; falsePositiveRate for bloom; exactKey: normalized, raw or url). verify: link candidates only at true Jaccard ≥ threshold. " +
                             "keep: first, longest, max:SIGNAL or min:SIGNAL. Returns 202 with the URL to poll and the key the clusters " +
                             "will be written to; CorpusDeduplicated on /api/events announces them.");
        api.Reads.MapGet("/", ListAsync).WithSummary("The dedup requests of a corpus");
        api.Reads.MapGet("/{config}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One dedup request of a corpus: requested, done (counts and clusters file) or failed (reason)");
        return api;
    }

    internal static async Task<Results<Accepted<DedupAccepted>, ValidationProblem, ProblemHttpResult>> StartAsync(string name, DedupRequest? request,
        ISendEndpointProvider send, DedupProjection projection, JobProjection jobs, CorpusProjection corpora, ILoggerFactory loggers, CancellationToken ct)
    {
        var command = new DeduplicateCorpus { Corpus = name, Threshold = request?.Threshold ?? DedupOutputs.DefaultThreshold };
        // What the request leaves out keeps the contract's default: one set of defaults for the API, the CLI and the service.
        command = command with
        {
            SignalsConfig = request?.SignalsConfig ?? command.SignalsConfig, Exact = request?.Exact ?? command.Exact,
            Keep = request?.Keep ?? command.Keep, FalsePositiveRate = request?.FalsePositiveRate ?? command.FalsePositiveRate,
            Verify = request?.Verify ?? command.Verify, ExactKey = request?.ExactKey ?? command.ExactKey,
        };
        var problems = DedupRequests.Problems(command);
        if (problems.Count == 0 && await corpora.FirstUnknownAsync([name], ct) is not null) problems["corpus"] = DatasetsApi.UnknownCorpus(name);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key == "corpus" ? "name" : p.Key, p => new[] { p.Value }));
        // Everything derived from the request is derived before its first side effect, so nothing it holds can fail halfway.
        var (tag, corpusId) = (DedupOutputs.Config(command), CorpusNames.IdOf(name));
        var (job, status, clusters) = (JobIds.Dedup(name, tag), $"/api/corpora/{name}/dedup/{tag}", DedupKeys.Clusters(name, tag));

        // Recorded before sending, so the dedup service's answer can never be overtaken by the "requested" row.
        await projection.RequestedAsync(command, ct);
        // The job starts again too: the corpus may have new shards, and an ended job's row takes no progress until then.
        await jobs.StartedAsync(JobServices.Dedup, job, corpusId, JobProjection.RequestedStep, null, ct);
        if (!await send.TrySendAsync(CommandQueues.DeduplicateCorpus, command, loggers.CreateLogger(typeof(DedupApi)), ct))
        {
            await projection.SendFailedAsync(command, ApiConventions.NotSent, CancellationToken.None);
            await jobs.FailedAsync(JobServices.Dedup, job, corpusId, null, "send", null, CancellationToken.None);
            return ApiConventions.BusUnavailable($"the dedup of corpus '{name}'", status);
        }
        return TypedResults.Accepted(status, new DedupAccepted(name, command.Threshold, tag, clusters, status,
            "/api/events?type=CorpusDeduplicated"));
    }

    internal static async Task<Results<Ok<DedupStatus[]>, ValidationProblem>> ListAsync(string name, DedupProjection projection,
        JobProjection jobs, IObjectStore store, CancellationToken ct)
    {
        if (CorpusNames.Problem(name) is { } problem) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] });
        var corpusId = CorpusNames.IdOf(name);
        var progress = await jobs.DedupsOfAsync(corpusId, ct);
        return TypedResults.Ok((await projection.ListAsync(corpusId, ct))
            .Select(v => DedupStatus.Of(v, store.Bucket, progress.GetValueOrDefault(JobIds.Dedup(v.Corpus, v.Config)))).ToArray());
    }

    internal static async Task<Results<Ok<DedupStatus>, ProblemHttpResult, ValidationProblem>> GetAsync(string name, string config,
        DedupProjection projection, JobProjection jobs, IObjectStore store, CancellationToken ct)
    {
        if (CorpusNames.Problem(name) is { } problem) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] });
        if (config.Length > DedupRequests.MaxConfigLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["config"] = [$"at most {DedupRequests.MaxConfigLength} characters"] });
        return await projection.FindAsync(CorpusNames.IdOf(name), config, ct) is { } view
            ? TypedResults.Ok(DedupStatus.Of(view, store.Bucket, await jobs.FindAsync(JobServices.Dedup, JobIds.Dedup(view.Corpus, config), ct)))
            : TypedResults.Problem($"no dedup request '{config}' of corpus '{name}'", statusCode: StatusCodes.Status404NotFound);
    }
}
