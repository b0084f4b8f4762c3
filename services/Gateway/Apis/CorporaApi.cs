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
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AcceptedWithStatusAt("/api/corpora/{id}")
            .WithSummary("Submit a corpus for ingestion")
            .WithDescription("multipart/form-data: a name field, then one or more files, each stored as raw/{name}/{file}; " +
                             "or application/json naming objects already in the store. Returns 202 with the corpus's URL to poll.");

        api.Reads.MapGet("/", ListCorporaAsync).WithSummary("List corpora, newest first");
        api.Reads.MapGet("/{id:guid}", GetCorpusAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One corpus: stage, counts, rejections, languages, shards");
        api.Reads.MapGet("/{id:guid}/documents", GetDocumentsAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .WithSummary("The first documents of one shard");
        return api;
    }

    internal static async Task<Results<Accepted<CorpusAccepted>, ValidationProblem, ProblemHttpResult>> CreateCorpusAsync(
        HttpRequest request, IObjectStore store, ISendEndpointProvider send, CorpusProjection projection,
        IOptions<GatewayOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(CorporaApi));
        SubmissionRead read;
        if (request.HasFormContentType && request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            read = await CorpusUploadReader.ReadAsync(request, store, options.Value.MaxUploadBytes, ct);
        else if (request.HasJsonContentType())
            read = await CorpusJsonRequest.ReadAsync(request.Body, store, ct);
        else
            return TypedResults.Problem("Send multipart/form-data (an upload) or application/json (objects already in the store).",
                statusCode: StatusCodes.Status415UnsupportedMediaType);

        if (read.Errors is { } errors) return TypedResults.ValidationProblem(errors.ToDictionary());
        if (read.Submission is not { } submission)
            return TypedResults.Problem(read.Detail, statusCode: read.Status ?? StatusCodes.Status400BadRequest);

        // Recorded before sending, so the first event of the run can never be overtaken by the "submitted" row.
        await projection.SubmittedAsync(submission.Id, submission.Name, submission.Sources.Count, ct);
        var status = $"/api/corpora/{submission.Id}";
        if (!await send.TrySendAsync(CommandQueues.IngestCorpus, submission.ToCommand(), logger, ct))
        {
            await projection.SubmissionFailedAsync(submission.Id, ApiConventions.NotSent, CancellationToken.None);
            return ApiConventions.BusUnavailable($"the ingestion of corpus '{submission.Name}'", status);
        }
        logger.LogInformation("Submitted corpus {Corpus} ({CorpusId}) with {Sources} sources by {Caller}",
            submission.Name, submission.Id, submission.Sources.Count, request.HttpContext.User.Identity?.Name ?? "anonymous");
        return TypedResults.Accepted(status, new CorpusAccepted(submission.Id, submission.Name, submission.Sources, status));
    }

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
        Guid id, GatewayDbContext db, CancellationToken ct)
    {
        var corpus = await db.Corpora.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (corpus is null) return UnknownCorpus(id);
        var shards = await db.Shards.AsNoTracking()
            .Where(s => s.CorpusId == id)
            .OrderBy(s => s.Shard)
            .Select(s => new CorpusShardInfo(s.Shard, s.Key, s.DocumentCount, s.Sha256, s.Length))
            .ToListAsync(ct);
        return TypedResults.Ok(CorpusDetail.From(corpus, shards));
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
