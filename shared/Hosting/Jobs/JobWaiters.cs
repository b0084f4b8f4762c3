using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Refinery.Hosting.Jobs;

/// <summary>The requests of a service that may wait, by type: how each is stored, sent again and failed.</summary>
public interface IJobWaiterRegistry
{
    IJobWaiter Of(string messageType);
}

/// <summary>One kind of request that may wait (see <see cref="JobWaitDeclarations{TDbContext}.Waiter{TMessage,TFailed}"/>).</summary>
public interface IJobWaiter
{
    JobWaitRow Row(object message, JobWait wait, DateTime since, DateTime now);

    /// <summary>Sends the stored request to its queue again, with the time it first waited.</summary>
    Task SendAsync(ISendEndpointProvider sender, JobWaitRow row, CancellationToken ct);

    /// <summary>Publishes the service's failed event for the stored request.</summary>
    Task FailAsync(IPublishEndpoint publisher, JobWaitRow row, string reason, CancellationToken ct);
}

/// <summary>The waiting requests declared for one service's database (a singleton).</summary>
public sealed class JobWaiters<TDbContext> : IJobWaiterRegistry where TDbContext : DbContext
{
    private readonly Dictionary<string, IJobWaiter> _byType = new(StringComparer.Ordinal);

    internal void Add(Type message, IJobWaiter waiter) => _byType[message.FullName!] = waiter;

    public IJobWaiter Of(Type message) => Of(message.FullName!);

    public IJobWaiter Of(string messageType) => _byType.TryGetValue(messageType, out var waiter)
        ? waiter
        : throw new InvalidOperationException($"{messageType} is not declared as a waiter of {typeof(TDbContext).Name}");
}

/// <summary>A request of type <typeparamref name="TMessage"/> that may wait; sent again to <paramref name="Queue"/>, and
/// failed with the <typeparamref name="TFailed"/> that <paramref name="Failed"/> builds from the request and a reason.</summary>
internal sealed record JobWaiter<TMessage, TFailed>(string Queue, Func<TMessage, string, TFailed> Failed) : IJobWaiter
    where TMessage : class where TFailed : class
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string TypeName = typeof(TMessage).FullName!;

    public JobWaitRow Row(object message, JobWait wait, DateTime since, DateTime now)
    {
        var body = JsonSerializer.Serialize((TMessage)message, Json);
        return new JobWaitRow
        {
            Key = wait.Key, BodySha256 = JobWaitRelease.Sha256(TypeName, body), MessageType = TypeName, Body = body,
            WaitingFor = wait.WaitingFor, Since = since, RecordedAt = now, Token = Guid.NewGuid(),
        };
    }

    public async Task SendAsync(ISendEndpointProvider sender, JobWaitRow row, CancellationToken ct)
    {
        var endpoint = await sender.GetSendEndpoint(new Uri($"queue:{Queue}"));
        var since = DateTime.SpecifyKind(row.Since, DateTimeKind.Utc).ToString("O");
        await endpoint.Send(Message(row), c => c.Headers.Set(JobWaitRelease.SinceHeader, since), ct);
    }

    public Task FailAsync(IPublishEndpoint publisher, JobWaitRow row, string reason, CancellationToken ct) =>
        publisher.Publish(Failed(Message(row), reason), ct);

    private static TMessage Message(JobWaitRow row) =>
        JsonSerializer.Deserialize<TMessage>(row.Body, Json) ?? throw new InvalidOperationException($"an empty {TypeName} waited");
}
