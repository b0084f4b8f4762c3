using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Refinery.Gateway.Data;
using Refinery.Gateway.Domain;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Apis;

/// <summary>Where a job is: the step under way, its items done out of its total (0 when not known yet), and what it waits
/// for when it waits for another service.</summary>
public sealed record JobProgress(string Step, int Done, int Total, string? WaitingFor)
{
    public static JobProgress? Of(JobView? job) => job is null ? null : new(job.Step, job.Done, job.Total, job.WaitingFor);
}

/// <summary>One job of a service as the gateway last heard of it: running, waiting, done or failed, with its progress.</summary>
public sealed record JobStatus(string Service, string Job, string State, JobProgress Progress, Guid? CorpusId, Guid? RequestId, DateTime UpdatedAt)
{
    public static JobStatus Of(JobView job) => new(job.Service, job.Job, job.State, JobProgress.Of(job)!, job.CorpusId, job.RequestId,
        DateTime.SpecifyKind(job.UpdatedAt, DateTimeKind.Utc));
}

/// <summary>GET /api/jobs lists the jobs of every service (ingestions, a corpus's signals, dedups, dataset versions, training jobs) newest first, from the
/// one progress event they all publish and their completion and failure events.</summary>
public static class JobsApi
{
    public const int DefaultLimit = 50, MaxLimit = 500;

    public static ApiGroup MapJobsApi(this IEndpointRouteBuilder app, GatewayOptions options)
    {
        var api = app.MapApiGroup("/api/jobs", "Jobs", options);
        api.Reads.MapGet("/", ListAsync)
            .WithSummary("The jobs of every service, newest first")
            .WithDescription("service: ingestion, signals, dedup, curation or training; state: running, waiting, done, failed or cancelled; limit: 1 to 500 (50). " +
                             "Each job is named by its service's business id (a corpus, \"corpus/config\" for its signals or a dedup, \"dataset@version\", a training job's id), " +
                             "with its step and the step's items done out of its total (0 when not known). JobProgressed on /api/events " +
                             "streams the same progress.");
        return api;
    }

    internal static async Task<Results<Ok<JobStatus[]>, ValidationProblem>> ListAsync(string? service, string? state, int? limit,
        JobProjection jobs, CancellationToken ct)
    {
        var problems = new Dictionary<string, string[]>();
        var (serviceFilter, serviceProblem) = QueryOptions.Parse<JobService>(service);
        var (stateFilter, stateProblem) = QueryOptions.Parse<JobState>(state);
        if (serviceProblem is not null) problems["service"] = [serviceProblem];
        if (stateProblem is not null) problems["state"] = [stateProblem];
        if (limit is < 1 or > MaxLimit) problems["limit"] = [$"from 1 to {MaxLimit}"];
        if (problems.Count > 0) return TypedResults.ValidationProblem(problems);
        return TypedResults.Ok((await jobs.ListAsync(serviceFilter, stateFilter, limit ?? DefaultLimit, ct)).Select(JobStatus.Of).ToArray());
    }
}
