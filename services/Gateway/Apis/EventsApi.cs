using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Refinery.Gateway.Auth;
using Refinery.Gateway.Events;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Apis;

/// <summary>/api/events: every platform event as server-sent events, filterable by type and by corpus, job or model.</summary>
public static class EventsApi
{
    public static ApiGroup MapEventsApi(this IEndpointRouteBuilder app, GatewayOptions options)
    {
        var api = app.MapApiGroup("/api/events", "Events", options);
        api.Reads.MapGet("/", StreamEvents)
            .WithSummary("Stream platform events (text/event-stream)")
            .WithDescription("Each frame: 'event: {type}', 'id: {message id}', 'data: {message JSON}'. Filters: " +
                             "?type=CorpusIngested,CorpusShardIngested (any of), ?corpus=, ?job=, ?model= (ids). A ': keep-alive' " +
                             "comment is sent when idle. Known types: " + string.Join(", ", GatewayEvents.All.Select(e => e.Name)))
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        // Always behind a key, even where reads are open: a ticket stands for the key that asked for it.
        app.MapGroup("/api/events").WithTags("Events").MapGet("/ticket", IssueTicket)
            .RequireAuthorization(ApiKeyRoles.Reader)
            .WithSummary("A short-lived read ticket for clients that cannot send headers")
            .WithDescription("For EventSource and other browser clients: send ?ticket=… on GET requests instead of a key. A " +
                             "ticket reads only, is valid for ?ttl= seconds (1 to 300, default 60) and cannot be renewed with a ticket.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    /// <summary>A read ticket and where to use it.</summary>
    public sealed record ReadTicket(string Ticket, DateTimeOffset ExpiresAt, string EventsUrl);

    internal static Results<Ok<ReadTicket>, ValidationProblem> IssueTicket(HttpContext context, ReadTickets tickets, int? ttl = null)
    {
        var errors = new ValidationErrors();
        var seconds = ttl ?? 60;
        if (seconds < 1 || seconds > ReadTickets.MaxLifetime.TotalSeconds) errors.Add("ttl", $"ttl must be 1 to {ReadTickets.MaxLifetime.TotalSeconds} seconds");
        var user = context.User;
        var fingerprint = user.Identity?.Name;
        if (user.FindFirst(System.Security.Claims.ClaimTypes.AuthenticationMethod)?.Value == ApiKeyAuthenticationHandler.ViaTicket)
            errors.Add("ticket", "a ticket cannot be renewed with a ticket; ask with the key");
        else if (fingerprint is null || !fingerprint.StartsWith("key-", StringComparison.Ordinal))
            errors.Add("X-Api-Key", "a ticket is issued for an API key; send one (this gateway may need none)");
        if (errors.Any) return TypedResults.ValidationProblem(errors.ToDictionary());
        var (ticket, expires) = tickets.Issue(fingerprint!, TimeSpan.FromSeconds(seconds));
        return TypedResults.Ok(new ReadTicket(ticket, expires, $"/api/events?{ReadTickets.QueryName}={Uri.EscapeDataString(ticket)}"));
    }

    internal static Results<EventStreamResult, ValidationProblem> StreamEvents(
        HttpRequest request, EventBroadcaster broadcaster, IOptions<GatewayOptions> options)
    {
        var errors = new ValidationErrors();
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in request.Query["type"].SelectMany(v => (v ?? "").Split(',',
                     StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (GatewayEvents.Find(name) is { } known) types.Add(known.Name);
            else errors.Add("type", $"unknown event type '{name}'; known: {string.Join(", ", GatewayEvents.All.Select(e => e.Name))}");
        }
        var subjects = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var subject in EventSubjectNames.PropertyOf.Keys)
        {
            var value = request.Query[subject].FirstOrDefault();
            if (string.IsNullOrWhiteSpace(value)) continue;
            if (value.Length > 200 || value.Any(char.IsControl)) errors.Add(subject, $"{subject} is not a valid id");
            else if (subject == "corpus" && !Guid.TryParse(value, out _)) errors.Add(subject, "corpus must be a corpus id (a GUID)");
            else subjects[subject] = EventSubjectNames.Normalize(value.Trim());
        }
        if (errors.Any) return TypedResults.ValidationProblem(errors.ToDictionary());
        return new EventStreamResult(broadcaster, new EventFilter(types, subjects), options.Value.EventKeepAlive);
    }
}

/// <summary>Writes a subscriber's events as text/event-stream frames until the client goes away.</summary>
public sealed class EventStreamResult(EventBroadcaster broadcaster, EventFilter filter, TimeSpan keepAlive) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // Subscribed before the headers go out: a client that has the headers cannot miss a later event.
        using var subscription = broadcaster.Subscribe(filter);
        try
        {
            await response.WriteAsync(": connected\n\n", ct);
            await response.Body.FlushAsync(ct);
            var reported = 0L;
            var frame = new StringBuilder();
            while (!ct.IsCancellationRequested)
            {
                if (!await WaitAsync(subscription, keepAlive, ct))
                {
                    if (subscription.Reader.Completion.IsCompleted) break;
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                frame.Clear();
                if (subscription.Dropped != reported)
                {
                    // A comment, so clients that do not care are not disturbed; ids let careful ones re-read state.
                    frame.Append(": dropped ").Append(subscription.Dropped - reported).Append(" events (client too slow)\n\n");
                    reported = subscription.Dropped;
                }
                while (subscription.Reader.TryRead(out var e)) AppendFrame(frame, e);
                await response.WriteAsync(frame.ToString(), ct);
                await response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    /// <summary>True when events are waiting; false when <paramref name="keepAlive"/> passed without any.</summary>
    private static async Task<bool> WaitAsync(EventSubscription subscription, TimeSpan keepAlive, CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(keepAlive);
        try
        {
            return await subscription.Reader.WaitToReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    internal static void AppendFrame(StringBuilder frame, PlatformEvent e)
    {
        frame.Append("event: ").Append(e.Type).Append('\n');
        frame.Append("id: ").Append(e.MessageId.ToString("D")).Append('\n');
        // Serialized JSON has no raw newlines, but a frame must never be split by one.
        foreach (var line in e.Json.Split('\n')) frame.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        frame.Append('\n');
    }
}
