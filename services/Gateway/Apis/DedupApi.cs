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
public sealed record DedupRequest(double? Threshold, string? SignalsConfig);

/// <summary>What a dedup request started: where the clusters will be and which event announces them.</summary>
public sealed record DedupAccepted(string Corpus, double Threshold, string Config, string Clusters, string Events);

/// <summary>POST /api/corpora/{name}/dedup: near-duplicate clusters of an ingested corpus whose signals are computed.</summary>
public static class DedupApi
{
    public static RouteHandlerBuilder MapDedupApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/corpora/{name}/dedup", StartAsync)
            .WithTags("Corpora")
            .RequireAuthorization(ApiKeyRoles.Writer)
            .RequireRateLimiting(WriteRateLimit.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Find the near-duplicate clusters of a corpus")
            .WithDescription("MinHash LSH over the bands of the corpus's signal shards at one of RPv2's thresholds (0.7, 0.8, 0.9, 1.0). " +
                             "Returns 202 with the key the clusters will be written to; CorpusDeduplicated on /api/events announces them.");

    internal static async Task<Results<Accepted<DedupAccepted>, ValidationProblem>> StartAsync(string name, DedupRequest? request,
        ISendEndpointProvider send, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (CorpusNames.Problem(name) is { } problem) errors["name"] = [problem];
        var threshold = request?.Threshold ?? 0.8;
        if (!DedupOutputs.Thresholds.Contains(threshold)) errors["threshold"] = [$"must be one of {string.Join(", ", DedupOutputs.Thresholds)}"];
        var config = request?.SignalsConfig ?? "rpv2";
        if (ConfigTags.Problem(config) is { } tagProblem) errors["signalsConfig"] = [tagProblem];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var endpoint = await send.GetSendEndpoint(CommandQueues.Uri(CommandQueues.DeduplicateCorpus));
        await endpoint.Send(new DeduplicateCorpus { Corpus = name, Threshold = threshold, SignalsConfig = config }, ct);
        var tag = DedupOutputs.Config(config, threshold);
        var events = "/api/events?type=CorpusDeduplicated";
        return TypedResults.Accepted(events, new DedupAccepted(name, threshold, tag, DedupOutputs.ClustersKey(name, tag), events));
    }
}
