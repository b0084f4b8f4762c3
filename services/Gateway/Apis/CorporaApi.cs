using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Gateway.Options;
using Refinery.Gateway.Uploads;
using Refinery.Storage;

namespace Refinery.Gateway.Apis;

/// <summary>/api/corpora: submit a corpus (upload or references), list corpora, inspect one, preview its documents.</summary>
public static class CorporaApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const int MaxPreviewDocuments = 1000;

    public static ApiGroup MapCorporaApi(this IEndpointRouteBuilder app, GatewayOptions options)
    {
        var api = app.MapApiGroup("/api/corpora", "Corpora", options);

        api.Writes.MapPost("/", CreateCorpusAsync)
            // One accepts list with both types: routing answers 415 to any other (the form's schema: CorpusUploadOpenApi).
            .Accepts<CreateCorpusRequest>("application/json", "multipart/form-data")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AcceptedWithStatusAt("/api/corpora/{id}")
            .WithSummary("Submit a corpus for ingestion")
            .WithDescription("multipart/form-data: a name field, then one or more files, each stored as raw/{name}/{file}; " +
                             "or application/json naming objects already in the store. A new name answers 202 with the corpus's " +
                             "URL to poll. A corpus's sources are immutable: the same content (files, formats and settings) " +
                             "under a name already taken answers 200 with the same body, pointing at the existing corpus, and " +
                             "starts nothing (unless that corpus failed: then it is ingested again and the answer is 202); " +
                             "other content under a taken name answers 409 naming the corpus.");

        api.Reads.MapGet("/", ListCorporaAsync).WithSummary("List corpora, newest first");
        api.Reads.MapGet("/{id:guid}", GetCorpusAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One corpus: stage (and the step that failed), counts, rejections, languages, shards, their signals");
        api.Reads.MapGet("/{id:guid}/documents", GetDocumentsAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .WithSummary("The first documents of one shard");
        return api;
    }

    internal static async Task<Results<Accepted<CorpusAccepted>, Ok<CorpusAccepted>, ValidationProblem, ProblemHttpResult>> CreateCorpusAsync(
        HttpRequest request, IObjectStore store, ISendEndpointProvider send, CorpusClaims claims, CorpusProjection projection,
        IOptions<GatewayOptions> options, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(CorporaApi));
        // Whatever the answer, the request's staged parts are deleted when it ends (promoted ones were copied first).
        await using var staging = new UploadStaging(store, clock, logger);
        SubmissionRead read;
        if (request.HasFormContentType && request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            read = await CorpusUploadReader.ReadAsync(request, staging, options.Value.MaxUploadBytes, ct);
        else if (request.HasJsonContentType())
            read = await CorpusJsonRequest.ReadAsync(request.Body, store, ct);
        else
            return TypedResults.Problem("Send multipart/form-data (an upload) or application/json (objects already in the store).",
                statusCode: StatusCodes.Status415UnsupportedMediaType);

        if (read.Errors is { } errors) return TypedResults.ValidationProblem(errors.ToDictionary());
        if (read.Submission is not { } submission)
            return TypedResults.Problem(read.Detail, statusCode: read.Status ?? StatusCodes.Status400BadRequest);

        var status = $"/api/corpora/{submission.Id}";
        var accepted = new CorpusAccepted(submission.Id, submission.Name, submission.Sources, status);
        // The claim records the row before anything is sent, so the run's first event never finds no row.
        var outcome = await claims.ClaimAsync(submission.Id, submission.Name, submission.Sources.Count, submission.Fingerprint,
            options.Value.SubmissionStalledAfter, ct);
        switch (outcome)
        {
            case ClaimOutcome.Existing:
                return TypedResults.Ok(accepted);
            case ClaimOutcome.Conflict or ClaimOutcome.Unknown:
                return NameTaken(submission, outcome, status);
        }

        // The name is this request's now: finish even if the client goes away, or the corpus would stay submitted.
        try
        {
            await staging.PromoteAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not store the sources of corpus {Corpus}", submission.Name);
            await staging.WithdrawAsync();
            await projection.SubmissionFailedAsync(submission.Id, $"its sources could not be stored: {ex.Message}", CancellationToken.None);
            throw;
        }
        if (!await send.TrySendAsync(CommandQueues.IngestCorpus, submission.ToCommand(), logger, CancellationToken.None))
        {
            await staging.WithdrawAsync();
            await projection.SubmissionFailedAsync(submission.Id, ApiConventions.NotSent, CancellationToken.None);
            return ApiConventions.BusUnavailable($"the ingestion of corpus '{submission.Name}'", status);
        }
        logger.LogInformation("Submitted corpus {Corpus} ({CorpusId}) with {Sources} sources by {Caller}{Retry}",
            submission.Name, submission.Id, submission.Sources.Count, request.HttpContext.User.Identity?.Name ?? "anonymous",
            outcome switch { ClaimOutcome.Retried => ", again after it failed", ClaimOutcome.Stalled => ", again as its run never started", _ => "" });
        return TypedResults.Accepted(status, accepted);
    }

    private static ProblemHttpResult NameTaken(CorpusSubmission submission, ClaimOutcome outcome, string status) =>
        TypedResults.Problem(
            outcome == ClaimOutcome.Unknown
                ? $"Corpus '{submission.Name}' already exists and was recorded before the gateway kept what a corpus holds, so " +
                  "this submission cannot be shown to be the same. A corpus's sources are immutable: submit it under a new name."
                : $"Corpus '{submission.Name}' already exists with other content (sources or reader settings). A corpus's " +
                  "sources are immutable: submit the new content under a new name, or the same content again.",
            statusCode: StatusCodes.Status409Conflict, title: "Corpus already exists",
            extensions: new Dictionary<string, object?> { ["corpus"] = submission.Name, ["corpusId"] = submission.Id, ["statusUrl"] = status });

    internal static async Task<Results<Ok<CorpusPage>, ValidationProblem>> ListCorporaAsync(
        GatewayDbContext db, int? limit, int? offset, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var take = limit ?? DefaultPageSize;
        var skip = offset ?? 0;
        if (take is < 1 or > MaxPageSize) errors.Add("limit", $"limit must be from 1 to {MaxPageSize}");
        if (skip < 0) errors.Add("offset", "offset must not be negative");
        if (errors.Any) return TypedResults.ValidationProblem(errors.ToDictionary());

        var total = await db.Corpora.CountAsync(ct);
        var page = await db.Corpora.AsNoTracking()
            .OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Name)
            .Skip(skip).Take(take)
            .ToListAsync(ct);
        return TypedResults.Ok(new CorpusPage(page.Select(CorpusDetail.Summary).ToArray(), total, take, skip));
    }

    internal static async Task<Results<Ok<CorpusDetail>, ProblemHttpResult>> GetCorpusAsync(
        Guid id, GatewayDbContext db, SignalsProjection signals, CancellationToken ct)
    {
        var corpus = await db.Corpora.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (corpus is null) return UnknownCorpus(id);
        var shards = await db.Shards.AsNoTracking()
            .Where(s => s.CorpusId == id)
            .OrderBy(s => s.Shard)
            .Select(s => new CorpusShardInfo(s.Shard, s.Key, s.DocumentCount, s.Sha256, s.Length))
            .ToListAsync(ct);
        return TypedResults.Ok(CorpusDetail.From(corpus, shards, CorpusSignals.Of(await signals.OfCorpusAsync(id, ct))));
    }

    internal static async Task<Results<Ok<List<JsonElement>>, ValidationProblem, ProblemHttpResult>> GetDocumentsAsync(
        Guid id, int? shard, int? limit, GatewayDbContext db, IObjectStore store, IOptions<GatewayOptions> options,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var number = shard ?? 0;
        var take = limit ?? 20;
        if (number < 0) errors.Add("shard", "shard must not be negative");
        if (take is < 1 or > MaxPreviewDocuments) errors.Add("limit", $"limit must be from 1 to {MaxPreviewDocuments}");
        if (errors.Any) return TypedResults.ValidationProblem(errors.ToDictionary());

        var name = await db.Corpora.AsNoTracking().Where(c => c.Id == id).Select(c => c.Name).SingleOrDefaultAsync(ct);
        if (name is null) return UnknownCorpus(id);
        var key = IngestionKeys.Shard(name, number);
        try
        {
            return TypedResults.Ok(await ShardPreview.ReadAsync(store, key, take, options.Value.MaxPreviewBytes, ct));
        }
        catch (ObjectNotFoundException)
        {
            return TypedResults.Problem($"Corpus '{name}' has no shard {number} ({key}).",
                statusCode: StatusCodes.Status404NotFound, title: "Shard not found");
        }
        catch (InvalidDataException ex)
        {
            return TypedResults.Problem($"Shard {key} is corrupt: {ex.Message}",
                statusCode: StatusCodes.Status502BadGateway, title: "Shard unreadable");
        }
    }

    private static ProblemHttpResult UnknownCorpus(Guid id) =>
        TypedResults.Problem($"No corpus with id {id} is known to the gateway.", statusCode: StatusCodes.Status404NotFound,
            title: "Corpus not found");
}
