using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Gateway.Auth;

namespace Refinery.Gateway.Apis;

/// <summary>The request body of POST /api/datasets/{name}/versions.</summary>
public sealed record DatasetVersionRequest(IReadOnlyList<string>? Corpora, string? Recipe, string? Tokenizer = null,
    double? ValidationFraction = null, string? SignalsConfig = null, string? Description = null);

/// <summary>What a version request started: the event that announces the version (its name is the hash of its inputs,
/// known when the Curation service has read them).</summary>
public sealed record DatasetVersionAccepted(string Dataset, IReadOnlyList<string> Corpora, string Recipe, string Tokenizer, string Events);

/// <summary>The request body of POST /api/datasets/{name}/mixtures.</summary>
public sealed record DatasetMixtureRequest(IReadOnlyList<MixtureComponent>? Components, long? TokenBudget, int? Seed = null, string? Description = null);

/// <summary>POST /api/datasets/{name}/versions cuts a dataset version from corpora with a recipe; POST
/// /api/datasets/{name}/mixtures mixes finished versions by weight to a token budget.</summary>
public static class DatasetsApi
{
    public static void MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/datasets/{name}/mixtures", MixAsync)
            .WithTags("Datasets")
            .RequireAuthorization(ApiKeyRoles.Writer)
            .RequireRateLimiting(WriteRateLimit.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Mix finished dataset versions by weight to a token budget")
            .WithDescription("Body: components ([{dataset, version, weight}]), tokenBudget, seed, description. Whole documents are drawn with " +
                             "the seed until each component's share is reached (further epochs when one pass is short). DatasetVersionCreated announces it.");
        app.MapPost("/api/datasets/{name}/versions", CreateAsync)
            .WithTags("Datasets")
            .RequireAuthorization(ApiKeyRoles.Writer)
            .RequireRateLimiting(WriteRateLimit.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Cut a dataset version from corpora with a filter recipe")
            .WithDescription("Body: corpora (names), recipe (a built-in name: gopher, gopher-rules-pass, c4, dedup-only, none; or a recipe's text), " +
                             "tokenizer (gpt2 or bytes), validationFraction, description. The version is named by the hash of its inputs: the same " +
                             "request returns the existing version. DatasetVersionCreated on /api/events announces it with its manifest; DatasetVersionFailed says why it will not come.");
    }

    internal static async Task<Results<Accepted<DatasetVersionAccepted>, ValidationProblem>> MixAsync(string name, DatasetMixtureRequest? request,
        ISendEndpointProvider send, CancellationToken ct)
    {
        var command = new CreateDatasetMixture
        {
            Dataset = name, Components = request?.Components ?? [], TokenBudget = request?.TokenBudget ?? 0, Seed = request?.Seed ?? 42,
            Description = request?.Description,
        };
        var problems = DatasetRequests.Problems(command);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key == "dataset" ? "name" : p.Key, p => new[] { p.Value }));
        await (await send.GetSendEndpoint(CommandQueues.Uri(CommandQueues.CreateDatasetMixture))).Send(command, ct);
        const string events = "/api/events?type=DatasetVersionCreated,DatasetVersionFailed";
        return TypedResults.Accepted(events, new DatasetVersionAccepted(name, command.Components.Select(c => $"{c.Dataset}@{c.Version}").ToArray(),
            "mixture", "", events));
    }

    internal static async Task<Results<Accepted<DatasetVersionAccepted>, ValidationProblem>> CreateAsync(string name, DatasetVersionRequest? request,
        ISendEndpointProvider send, CancellationToken ct)
    {
        var command = new CreateDatasetVersion
        {
            Dataset = name, Corpora = request?.Corpora ?? [], Recipe = request?.Recipe ?? "",
            Tokenizer = request?.Tokenizer ?? "gpt2", ValidationFraction = request?.ValidationFraction ?? 0.01,
            SignalsConfig = request?.SignalsConfig ?? "rpv2", Description = request?.Description,
        };
        var problems = DatasetRequests.Problems(command);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key == "dataset" ? "name" : p.Key, p => new[] { p.Value }));
        await (await send.GetSendEndpoint(CommandQueues.Uri(CommandQueues.CreateDatasetVersion))).Send(command, ct);
        const string events = "/api/events?type=DatasetVersionCreated,DatasetVersionFailed";
        return TypedResults.Accepted(events, new DatasetVersionAccepted(name, command.Corpora, command.Recipe.Length > 64 ? "(recipe text)" : command.Recipe,
            command.Tokenizer, events));
    }
}
