using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Gateway.Domain;
using Refinery.Gateway.Options;
using Refinery.Storage;

namespace Refinery.Gateway.Apis;

/// <summary>The request body of POST /api/datasets/{name}/versions.</summary>
public sealed record DatasetVersionRequest(IReadOnlyList<string>? Corpora, string? Recipe, TokenizerKind? Tokenizer = null,
    double? ValidationFraction = null, string? SignalsConfig = null, string? Description = null, string? RecipeName = null);

/// <summary>What a version or mixture request started: the request's id and the URL to poll (its version is the hash of
/// its inputs, known when the Curation service has read them), and the events that announce it.</summary>
public sealed record DatasetVersionAccepted(string Dataset, Guid RequestId, IReadOnlyList<string> Corpora, string Recipe, TokenizerKind? Tokenizer,
    string StatusUrl, string Events);

/// <summary>One dataset request as the gateway last heard of it: requested (with its version's progress once the
/// Curation service reports it), done (the version and its manifest) or failed (the reason; the version when the failure
/// came after it was named).</summary>
public sealed record DatasetRequestStatus(Guid Id, string Dataset, string Kind, string Stage, string? Version, ObjectRef? Manifest,
    string? Error, DateTime CreatedAt, DateTime UpdatedAt, JobProgress? Progress = null)
{
    public static DatasetRequestStatus Of(Domain.DatasetRequestView r, string bucket, Domain.JobView? job) => new(r.Id, r.Dataset, r.Kind,
        r.Stage, r.Version,
        r.ManifestKey is null ? null : new ObjectRef { Bucket = bucket, Key = r.ManifestKey, Sha256 = r.ManifestSha256!, Length = r.ManifestLength },
        r.Error, DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(r.UpdatedAt, DateTimeKind.Utc), JobProgress.Of(job));
}

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
/// /api/datasets/{name}/mixtures mixes finished versions by weight to a token budget; each answers 202 with
/// /api/datasets/{name}/requests/{id}, which shows the request requested, done (with its version) or failed. GET
/// /api/datasets/{name}/versions lists the versions announced (done or failed); …/versions/{version} shows one, and
/// …/manifest and …/datasheet serve a done version's documents.</summary>
public static class DatasetsApi
{
    private const string Events = "/api/events?type=DatasetVersionCreated,DatasetVersionFailed";

    public static ApiGroup MapDatasetsApi(this IEndpointRouteBuilder app, GatewayOptions options)
    {
        var api = app.MapApiGroup("/api/datasets/{name}", "Datasets", options);
        api.Writes.MapPost("/versions", CreateAsync)
            .AcceptedWithStatusAt("/api/datasets/{name}/requests/{id}")
            .WithSummary("Cut a dataset version from corpora with a filter recipe")
            .WithDescription("Body: corpora (names), recipe (a built-in name: gopher, gopher-rules-pass, c4, dedup-only, none; or a recipe's text), recipeName (what a recipe given as text is called), " +
                             "tokenizer (gpt2 or bytes), validationFraction, description. The version is named by the hash of its inputs: the same " +
                             "request gets the existing version. Returns 202 with the request's URL to poll: requested, then done (with the version and " +
                             "its manifest) or failed (with the reason). DatasetVersionCreated and DatasetVersionFailed on /api/events carry the same requestId.");
        api.Writes.MapPost("/mixtures", MixAsync)
            .AcceptedWithStatusAt("/api/datasets/{name}/requests/{id}")
            .WithSummary("Mix finished dataset versions by weight to a token budget")
            .WithDescription("Body: components ([{dataset, version, weight}]), tokenBudget, seed, description. Whole documents are drawn with " +
                             "the seed until each component's share is reached (further epochs when one pass is short). Returns 202 with the " +
                             "request's URL to poll, as for a version.");

        api.Reads.MapGet("/requests/{id:guid}", GetRequestAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One version or mixture request: requested, done (its version and manifest) or failed (the reason)");
        api.Reads.MapGet("/versions", ListAsync).WithSummary("The versions of a dataset, done or failed");
        api.Reads.MapGet("/versions/{version}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One version: done (counts and manifest reference) or failed (the step and reason)");
        api.Reads.MapGet("/versions/{version}/manifest", (string name, string version, DatasetProjection projection, IObjectStore store,
                CancellationToken ct) => DocumentAsync(name, version, DatasetDocument.Manifest, projection, store, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A done version's manifest.json: lineage, counts and every file with its sha256");
        api.Reads.MapGet("/versions/{version}/datasheet", (string name, string version, DatasetProjection projection, IObjectStore store,
                CancellationToken ct) => DocumentAsync(name, version, DatasetDocument.Datasheet, projection, store, ct))
            .Produces(StatusCodes.Status200OK, contentType: "text/markdown")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A done version's datasheet.md");
        return api;
    }

    internal static async Task<Results<Accepted<DatasetVersionAccepted>, ValidationProblem, ProblemHttpResult>> MixAsync(string name,
        DatasetMixtureRequest? request, ISendEndpointProvider send, DatasetProjection projection, IConfiguration configuration,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var command = new CreateDatasetMixture
        {
            Dataset = name, Components = request?.Components ?? [], TokenBudget = request?.TokenBudget ?? 0,
            Description = request?.Description, RequestId = NewId.NextGuid(),
        };
        // What the request leaves out keeps the contract's default: one set of defaults for the API, the CLI and the service.
        command = command with { Seed = request?.Seed ?? command.Seed };
        var problems = DatasetRequests.Problems(command);
        if (problems.Count == 0) await CheckComponentsAsync(command, projection, configuration, problems, ct);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key == "dataset" ? "name" : p.Key, p => new[] { p.Value }));
        return await SendRequestAsync(name, command.RequestId.Value, DatasetRequestKinds.Mixture, CommandQueues.CreateDatasetMixture, command,
            $"the mixture '{name}'", status => new DatasetVersionAccepted(name, command.RequestId.Value,
                command.Components.Select(c => $"{c.Dataset}@{c.Version}").ToArray(), "mixture", null, status, Events), send, projection, loggers, ct);
    }

    /// <summary>A mixture's cost grows with its budget, so before it is accepted its components must be versions this
    /// gateway has seen finished, and the budget must fit the epoch limit over their training tokens (the Curation
    /// service checks the same again with its own catalog).</summary>
    private static async Task CheckComponentsAsync(CreateDatasetMixture command, DatasetProjection projection, IConfiguration configuration,
        Dictionary<string, string> problems, CancellationToken ct)
    {
        var tokens = new Dictionary<MixtureComponent, long>();
        foreach (var component in command.Components)
        {
            if (await projection.FindAsync(component.Dataset, component.Version, ct) is { Stage: DatasetVersionStages.Done } version)
                tokens[component] = version.Tokens;
            else
            {
                problems["components"] = $"no finished dataset version {component.Dataset}@{component.Version}";
                return;
            }
        }
        var maxEpochs = configuration.GetValue<int?>(DatasetRequests.MaxMixtureEpochsKey) ?? DatasetRequests.DefaultMaxMixtureEpochs;
        if (DatasetRequests.BudgetProblem(command, c => tokens[c], maxEpochs) is { } budget) problems["tokenBudget"] = budget;
    }

    /// <summary>Why a request naming a corpus the gateway never saw submitted is refused.</summary>
    internal static string UnknownCorpus(string corpus) =>
        $"no corpus '{corpus}' has been submitted (POST /api/corpora first; a request may come while it is being ingested)";

    internal static async Task<Results<Accepted<DatasetVersionAccepted>, ValidationProblem, ProblemHttpResult>> CreateAsync(string name,
        DatasetVersionRequest? request, ISendEndpointProvider send, DatasetProjection projection, CorpusProjection corpora, ILoggerFactory loggers,
        CancellationToken ct)
    {
        var command = new CreateDatasetVersion
        {
            Dataset = name, Corpora = request?.Corpora ?? [], Recipe = request?.Recipe ?? "", RecipeName = request?.RecipeName,
            Description = request?.Description, RequestId = NewId.NextGuid(),
        };
        command = command with
        {
            Tokenizer = request?.Tokenizer ?? command.Tokenizer, ValidationFraction = request?.ValidationFraction ?? command.ValidationFraction,
            SignalsConfig = request?.SignalsConfig ?? command.SignalsConfig,
        };
        var problems = DatasetRequests.Problems(command);
        if (problems.Count == 0 && await corpora.FirstUnknownAsync(command.Corpora, ct) is var (index, unknown))
            problems[$"corpora[{index}]"] = UnknownCorpus(unknown);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key == "dataset" ? "name" : p.Key, p => new[] { p.Value }));
        return await SendRequestAsync(name, command.RequestId.Value, DatasetRequestKinds.Version, CommandQueues.CreateDatasetVersion, command,
            $"the version of dataset '{name}'", status => new DatasetVersionAccepted(name, command.RequestId.Value, command.Corpora,
                command.Recipe.Length > 64 ? "(recipe text)" : command.Recipe, command.Tokenizer, status, Events), send, projection, loggers, ct);
    }

    /// <summary>Records the request, then sends its command: 202 with the request's own URL, or 503 with the request
    /// marked failed when the bus refuses the command.</summary>
    private static async Task<Results<Accepted<DatasetVersionAccepted>, ValidationProblem, ProblemHttpResult>> SendRequestAsync<T>(string name,
        Guid id, string kind, string queue, T command, string what, Func<string, DatasetVersionAccepted> accepted, ISendEndpointProvider send,
        DatasetProjection projection, ILoggerFactory loggers, CancellationToken ct) where T : class
    {
        // Recorded before sending, so the Curation service's answer can never be overtaken by the "requested" row.
        await projection.RequestedAsync(id, name, kind, ct);
        var status = RequestUrl(name, id);
        if (!await send.TrySendAsync(queue, command, loggers.CreateLogger(typeof(DatasetsApi)), ct))
        {
            await projection.RequestFailedAsync(id, null, ApiConventions.NotSent, CancellationToken.None);
            return ApiConventions.BusUnavailable(what, status);
        }
        return TypedResults.Accepted(status, accepted(status));
    }

    internal static async Task<Results<Ok<DatasetRequestStatus>, ProblemHttpResult, ValidationProblem>> GetRequestAsync(string name, Guid id,
        DatasetProjection projection, JobProjection jobs, IObjectStore store, CancellationToken ct)
    {
        if (CorpusNames.Problem(name) is { } problem) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] });
        return await projection.FindRequestAsync(name, id, ct) is { } view
            ? TypedResults.Ok(DatasetRequestStatus.Of(view, store.Bucket, await jobs.OfDatasetRequestAsync(view, ct)))
            : TypedResults.Problem($"no request {id} for dataset '{name}'", statusCode: StatusCodes.Status404NotFound);
    }

    private static string RequestUrl(string name, Guid id) => $"/api/datasets/{name}/requests/{id}";

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
