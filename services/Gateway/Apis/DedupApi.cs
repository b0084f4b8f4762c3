using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Auth;

namespace Refinery.Gateway.Apis;

/// <summary>The request body of POST /api/corpora/{name}/dedup.</summary>
public sealed record DedupRequest(double? Threshold, string? SignalsConfig, string? Exact = null, string? Keep = null,
    double? FalsePositiveRate = null, bool? Verify = null);

/// <summary>What a dedup request started: where the clusters will be and which event announces them.</summary>
public sealed record DedupAccepted(string Corpus, double Threshold, string Config, string Clusters, string Events);

/// <summary>POST /api/corpora/{name}/dedup: exact and near-duplicate clusters of an ingested corpus whose signals are computed.</summary>
public static class DedupApi
{
    public static RouteHandlerBuilder MapDedupApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/corpora/{name}/dedup", StartAsync)
            .WithTags("Corpora")
            .RequireAuthorization(ApiKeyRoles.Writer)
            .RequireRateLimiting(WriteRateLimit.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Find the exact and near-duplicate clusters of a corpus")
            .WithDescription("MinHash LSH over the bands of the corpus's signal shards at one of RPv2's thresholds (0.7, 0.8, 0.9, 1.0), and " +
                             "exact copies of the normalised text within the corpus and against every corpus deduplicated before " +
                             "(exact: set, bloom or none; falsePositiveRate for bloom). verify: link candidates only at true Jaccard ≥ threshold. keep: first, longest, max:SIGNAL or min:SIGNAL. " +
                             "Returns 202 with the key the clusters will be written to; CorpusDeduplicated on /api/events announces them.");

    internal static async Task<Results<Accepted<DedupAccepted>, ValidationProblem>> StartAsync(string name, DedupRequest? request,
        ISendEndpointProvider send, CancellationToken ct)
    {
        var command = new DeduplicateCorpus
        {
            Corpus = name, Threshold = request?.Threshold ?? 0.8, SignalsConfig = request?.SignalsConfig ?? "rpv2",
            Exact = request?.Exact ?? DedupRequests.ExactSet, Keep = request?.Keep ?? DedupRequests.KeepFirst,
            FalsePositiveRate = request?.FalsePositiveRate ?? 0.001, Verify = request?.Verify ?? false,
        };
        var problems = DedupRequests.Problems(command);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key == "corpus" ? "name" : p.Key, p => new[] { p.Value }));

        var endpoint = await send.GetSendEndpoint(CommandQueues.Uri(CommandQueues.DeduplicateCorpus));
        await endpoint.Send(command, ct);
        var tag = DedupOutputs.Config(command);
        var threshold = command.Threshold;
        var events = "/api/events?type=CorpusDeduplicated";
        return TypedResults.Accepted(events, new DedupAccepted(name, threshold, tag, DedupOutputs.ClustersKey(name, tag), events));
    }
}
