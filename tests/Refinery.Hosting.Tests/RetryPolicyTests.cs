using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Refinery.Hosting.Bus;
using Refinery.TestSupport;

namespace Refinery.Hosting.Tests;

/// <summary>The one retry policy (DESIGN §7 rule 2) on the bus the services really get: <c>AddRefineryBus</c> with a
/// consumer registered through <c>AddRefineryConsumers</c>, on the in-memory transport and on a fresh RabbitMQ vhost.</summary>
public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("InMemory")]
    [InlineData("RabbitMq")]
    public async Task ATransientFailure_IsRetried_UntilTheConsumerSucceeds(string bus)
    {
        await using var probe = await RetryProbeHost.StartAsync(bus);
        var id = Guid.NewGuid();

        await probe.Bus.Publish(new RetryProbe { Id = id, TransientFailures = 2 });

        Assert.Equal(3, await probe.Attempts.SucceededAsync(id, Patience));
        Assert.False(probe.Attempts.Faulted(id));
    }

    [Theory]
    [InlineData("InMemory")]
    [InlineData("RabbitMq")]
    public async Task APermanentFailure_IsAttemptedOnce_AndFaults(string bus)
    {
        await using var probe = await RetryProbeHost.StartAsync(bus);
        var id = Guid.NewGuid();

        await probe.Bus.Publish(new RetryProbe { Id = id, Permanent = true });

        var fault = await probe.Attempts.FaultAsync(id, Patience);
        Assert.Contains(nameof(PermanentFailureException), fault.Exceptions[0].ExceptionType);
        // The fault is published after the retry filter gave up, so the count is final here.
        Assert.Equal(1, probe.Attempts.Of(id));
    }

    [Fact]
    public async Task AFailureThatNeverStops_IsTriedFiveTimes_ThenFaults()
    {
        await using var probe = await RetryProbeHost.StartAsync("InMemory");
        var id = Guid.NewGuid();

        await probe.Bus.Publish(new RetryProbe { Id = id, TransientFailures = int.MaxValue });

        var fault = await probe.Attempts.FaultAsync(id, Patience);
        Assert.Contains(nameof(TimeoutException), fault.Exceptions[0].ExceptionType);
        Assert.Equal(5, probe.Attempts.Of(id));
    }
}

/// <summary>A test message: fail <see cref="TransientFailures"/> times with a transient error, or always with a permanent one.</summary>
public sealed record RetryProbe
{
    public required Guid Id { get; init; }
    public int TransientFailures { get; init; }
    public bool Permanent { get; init; }
}

/// <summary>Counts every delivery of a probe and records its success or fault.</summary>
public sealed class ProbeAttempts
{
    private readonly ConcurrentDictionary<Guid, int> _attempts = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<int>> _succeeded = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<Fault<RetryProbe>>> _faults = new();

    public int Attempt(Guid id) => _attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
    public int Of(Guid id) => _attempts.GetValueOrDefault(id);
    public void Succeeded(Guid id, int attempt) => Completion(_succeeded, id).TrySetResult(attempt);
    public void Faulted(Fault<RetryProbe> fault) => Completion(_faults, fault.Message.Id).TrySetResult(fault);
    public bool Faulted(Guid id) => _faults.TryGetValue(id, out var fault) && fault.Task.IsCompleted;

    public Task<int> SucceededAsync(Guid id, TimeSpan timeout) => Completion(_succeeded, id).Task.WaitAsync(timeout);
    public Task<Fault<RetryProbe>> FaultAsync(Guid id, TimeSpan timeout) => Completion(_faults, id).Task.WaitAsync(timeout);

    private static TaskCompletionSource<T> Completion<T>(ConcurrentDictionary<Guid, TaskCompletionSource<T>> map, Guid id) =>
        map.GetOrAdd(id, _ => new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously));
}

public sealed class RetryProbeConsumer(ProbeAttempts attempts) : IConsumer<RetryProbe>
{
    public Task Consume(ConsumeContext<RetryProbe> context)
    {
        var probe = context.Message;
        var attempt = attempts.Attempt(probe.Id);
        if (probe.Permanent) throw new PermanentFailureException($"probe {probe.Id} can never succeed");
        if (attempt <= probe.TransientFailures) throw new TimeoutException($"probe {probe.Id}: attempt {attempt} timed out");
        attempts.Succeeded(probe.Id, attempt);
        return Task.CompletedTask;
    }
}

public sealed class RetryProbeFaultConsumer(ProbeAttempts attempts) : IConsumer<Fault<RetryProbe>>
{
    public Task Consume(ConsumeContext<Fault<RetryProbe>> context)
    {
        attempts.Faulted(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>A host built the way Program.cs builds one: consumers through AddRefineryConsumers, then AddRefineryBus.</summary>
internal sealed class RetryProbeHost : IAsyncDisposable
{
    private readonly IHost _host;

    private RetryProbeHost(IHost host) => _host = host;

    public IBus Bus => _host.Services.GetRequiredService<IBus>();
    public ProbeAttempts Attempts => _host.Services.GetRequiredService<ProbeAttempts>();

    public static async Task<RetryProbeHost> StartAsync(string bus)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Refinery:Bus"] = bus,
            ["ConnectionStrings:RabbitMq"] = bus == "RabbitMq" ? await TestInfrastructure.CreateRabbitVirtualHostAsync("retry") : null,
        });
        // The consumer fails on purpose; its logged exceptions would only bury the test output.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ProbeAttempts>();
        builder.AddRefineryConsumers(x =>
        {
            x.AddConsumer<RetryProbeConsumer>();
            x.AddConsumer<RetryProbeFaultConsumer>();
        });
        builder.AddRefineryBus();
        // Start returns once the receive endpoints are bound, so a probe published right after is not dropped by an
        // exchange with no queue yet.
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return new RetryProbeHost(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
