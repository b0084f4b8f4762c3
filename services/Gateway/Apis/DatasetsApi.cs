using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Auth;
using Refinery.Gateway.Data;
using Refinery.Gateway.Domain;
using Refinery.Gateway.Options;
using Refinery.Storage;

namespace Refinery.Gateway.Apis;

/// <summary>The request body of POST /api/datasets/{name}/versions.</summary>
public sealed record DatasetVersionRequest(IReadOnlyList<string>? Corpora, string? Recipe, string? Tokenizer = null,
    double? ValidationFraction = null, string? SignalsConfig = null, string? Description = null, string? RecipeName = null);

/// <summary>What a version request started: the event that announces the version (its name is the hash of its inputs,
/// known when the Curation service has read them).</summary>
public sealed record DatasetVersionAccepted(string Dataset, IReadOnlyList<string> Corpora, string Recipe, string Tokenizer, string Events);

/// <summary>The request body of POST /api/datasets/{name}/mixtures.</summary>
public sealed record DatasetMixtureRequest(IReadOnlyList<MixtureComponent>? Components, long? TokenBudget, int? Seed = null, string? Description = null);

/// <summary>One version of a dataset as the gateway last heard of it: done (counts and manifest) or failed (reason).</summary>
public sealed record DatasetVersionStatus(string Dataset, string Version, string Stage, ObjectRef? Manifest, long Documents, long KeptDocuments,
    long Tokens, long ValidationTokens, string? Error, DateTime UpdatedAt)
{
    public static DatasetVersionStatus Of(Domain.DatasetVersionView v, string bucket) => new(v.Dataset, v.Version, v.Stage,
        v.ManifestKey is null ? null : new ObjectRef { Bucket = bucket, Key = v.ManifestKey, Sha256 = v.ManifestSha256!, Length = v.ManifestLength },
        v.Documents, v.KeptDocuments, v.Tokens, v.ValidationTokens, v.Error, v.UpdatedAt);
}

/// <summary>POST /api/datasets/{name}/versions cuts a dataset version from corpora with a recipe; POST
/// /api/datasets/{name}/mixtures mixes finished versions by weight to a token budget. GET /api/datasets/{name}/versions
/// lists the versions announced (done or failed); …/versions/{version} shows one, and …/manifest and …/datasheet serve a
/// done version's documents.</summary>
public static class DatasetsApi
{
    public static void MapDatasetsApi(this IEndpointRouteBuilder app, GatewayOptions options)
    {
        var reads = new[]
        {
            app.MapGet("/api/datasets/{name}/versions", ListAsync).WithTags("Datasets").WithSummary("The versions of a dataset, done or failed"),
            app.MapGet("/api/datasets/{name}/versions/{version}", GetAsync).WithTags("Datasets")
                .WithSummary("One version: done (counts and manifest reference) or failed (the step and reason)"),
            app.MapGet("/api/datasets/{name}/versions/{version}/manifest", (string name, string version, DatasetProjection projection, IObjectStore store,
                    CancellationToken ct) => DocumentAsync(name, version, DatasetDocument.Manifest, projection, store, ct))
                .WithTags("Datasets").WithSummary("A done version's manifest.json: lineage, counts and every file with its sha256"),
            app.MapGet("/api/datasets/{name}/versions/{version}/datasheet", (string name, string version, DatasetProjection projection, IObjectStore store,
                    CancellationToken ct) => DocumentAsync(name, version, DatasetDocument.Datasheet, projection, store, ct))
                .WithTags("Datasets").WithSummary("A done version's datasheet.md"),
        };
        foreach (var read in reads)
        {
            if (options.RequireKeyForReads) read.RequireAuthorization(ApiKeyRoles.Reader);
            else read.AllowAnonymous();
        }
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
            .WithDescription("Body: corpora (names), recipe (a built-in name: gopher, gopher-rules-pass, c4, dedup-only, none; or a recipe's text), recipeName (what a recipe given as text is called), " +
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
            Dataset = name, Corpora = request?.Corpora ?? [], Recipe = request?.Recipe ?? "", RecipeName = request?.RecipeName,
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

    internal static async Task<Results<Ok<DatasetVersionStatus[]>, ValidationProblem>> ListAsync(string name, DatasetProjection projection,
        IObjectStore store, CancellationToken ct)
    {
        if (CorpusNames.Problem(name) is { } problem) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] });
        return TypedResults.Ok((await projection.ListAsync(name, ct)).Select(v => DatasetVersionStatus.Of(v, store.Bucket)).ToArray());
    }

    internal static async Task<Results<Ok<DatasetVersionStatus>, ProblemHttpResult, ValidationProblem>> GetAsync(string name, string version,
        DatasetProjection projection, IObjectStore store, CancellationToken ct)
    {
        if (Problem(name, version) is { } problem) return problem;
        return await projection.FindAsync(name, version, ct) is { } view
            ? TypedResults.Ok(DatasetVersionStatus.Of(view, store.Bucket))
            : TypedResults.Problem($"no version {version} of dataset '{name}' has been announced", statusCode: StatusCodes.Status404NotFound);
    }

    private enum DatasetDocument { Manifest, Datasheet }

    /// <summary>The manifest or datasheet of a done version, from the object store (the manifest's recorded checksum is
    /// in the version's status, for clients that verify).</summary>
    private static async Task<IResult> DocumentAsync(string name, string version, DatasetDocument document, DatasetProjection projection,
        IObjectStore store, CancellationToken ct)
    {
        if (Problem(name, version) is { } problem) return problem;
        if (await projection.FindAsync(name, version, ct) is not { Stage: DatasetVersionStages.Done, ManifestKey: { } manifestKey })
            return TypedResults.Problem($"dataset '{name}' has no done version {version}", statusCode: StatusCodes.Status404NotFound);
        var (key, type) = document == DatasetDocument.Manifest
            ? (manifestKey, "application/json")
            : (DatasetKeys.Of(name, version, DatasetKeys.Datasheet), "text/markdown; charset=utf-8");
        return TypedResults.Stream(await store.OpenReadAsync(key, ct), type);
    }

    private static ValidationProblem? Problem(string name, string version)
    {
        if (CorpusNames.Problem(name) is { } problem) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] });
        return DatasetRequests.IsVersion(version)
            ? null
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["a version is 12 lowercase hex digits"] });
    }
}
