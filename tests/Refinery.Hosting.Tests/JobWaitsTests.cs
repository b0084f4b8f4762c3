using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts.Jobs;
using Refinery.Hosting.Data;
using Refinery.Hosting.Jobs;

namespace Refinery.Hosting.Tests;

/// <summary>Command of the tests below: answer <see cref="Name"/> once its input is there.</summary>
public sealed record AskForAnswer(string Name);

/// <summary>Events of the tests below: the input of a name came, or failed for good; the request was answered or failed.</summary>
public sealed record InputArrived(string Name);
public sealed record InputFailed(string Name, string Reason);
public sealed record Answered(string Name);
public sealed record AnswerFailed(string Name, string Reason);

/// <summary>The shared waits on their own: a request consumer that answers when its input is there and waits otherwise,
/// on the in-memory test harness with a SQLite database.</summary>
public sealed class JobWaitsTests : IAsyncLifetime
{
    private const string Queue = "test-ask-for-answer";
    private static readonly JobWaitOptions Options = new(Timeout: TimeSpan.FromHours(24), ResendAfter: TimeSpan.FromMinutes(15),
        Interval: TimeSpan.FromHours(1));

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "refinery-waits-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;

    private ITestHarness Harness => _services.GetRequiredService<ITestHarness>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<Inputs>()
            .AddDbContext<WaitsDbContext>(db => db.UseRefinerySqlite($"Data Source={Path.Combine(_dir, "waits.db")};Pooling=False"))
            .AddJobWaitSweep<WaitsDbContext>(_ => Options)
            .AddMassTransitTestHarness(x =>
            {
                x.AddConsumer<AskForAnswerConsumer>().Endpoint(e => e.Name = Queue);
                x.AddJobWaits<WaitsDbContext>("test-job-waits")
                    .Waiter<AskForAnswer, AnswerFailed>(Queue, (m, reason) => new AnswerFailed(m.Name, reason))
                    .ReleasedBy<InputArrived>(e => $"input:{e.Name}")
                    .FailedBy<InputFailed>(e => $"input:{e.Name}", e => e.Reason);
            })
            .BuildServiceProvider(true);
        await using (var scope = _services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<WaitsDbContext>().Database.EnsureCreatedAsync();
        await Harness.Start();
    }

    public async Task DisposeAsync()
    {
        await Harness.Stop();
        await _services.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ARequestWithoutItsInput_CompletesItsDelivery_AndIsAnsweredWhenTheInputArrives()
    {
        await Ask("a");
        var waiting = await Until(() => Harness.Published.Select<JobProgressed>().Select(m => m.Context.Message).FirstOrDefault());
        Assert.Equal(("test", "a", "waiting", "the input of a"), (waiting.Service, waiting.Job, waiting.Step, waiting.WaitingFor));
        Assert.Single(await RowsAsync());

        _services.GetRequiredService<Inputs>().Arrived.Add("a");
        await Harness.Bus.Publish(new InputArrived("a"));

        await Until(() => Harness.Published.Select<Answered>().FirstOrDefault());
        Assert.Equal(2, Harness.Consumed.Select<AskForAnswer>().Count());
        await NoRowsAsync(); // the request is sent again before its row is deleted
    }

    [Fact]
    public async Task AnInputThatArrivesBetweenTheCheckAndTheRecord_StillReleasesTheRequest()
    {
        // The input arrives while the wait is recorded: its event found nothing to release, only the second check sees it.
        _services.GetRequiredService<Inputs>().ArrivesAfterFirstLook.Add("b");

        await Ask("b");

        await Until(() => Harness.Published.Select<Answered>().FirstOrDefault());
        Assert.Empty(Harness.Published.Select<JobProgressed>());
        await NoRowsAsync();
    }

    [Fact]
    public async Task TheSweep_SendsAStaleWaitAgain_AndItsTimeoutCountsFromTheFirstWait()
    {
        await Ask("c");
        var first = (await Until(async () => (await RowsAsync()).SingleOrDefault()));

        // A lost release: the sweep sends the request again; it waits again, keeping the time it first waited.
        Assert.Equal(new JobWaitSweepResult(0, 1), await SweepAsync(first.RecordedAt + TimeSpan.FromMinutes(16)));
        var again = await Until(async () => (await RowsAsync()).SingleOrDefault(r => r.Token != first.Token));
        Assert.Equal(first.Since, again.Since);

        Assert.Equal(new JobWaitSweepResult(1, 0), await SweepAsync(first.Since + TimeSpan.FromHours(24)));
        var failed = await Until(() => Harness.Published.Select<AnswerFailed>().FirstOrDefault());
        Assert.Equal("waited for the input of c for more than 24 h", failed.Context.Message.Reason);
        Assert.Empty(await RowsAsync());
    }

    [Fact]
    public async Task SweepsOfSeveralProcessesAtOnce_FailAnExpiredWaitOnce()
    {
        await Ask("g");
        var row = await Until(async () => (await RowsAsync()).SingleOrDefault());

        // Every process of a service sweeps the one database: they all read the expired row before any deletes it.
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SweepAsync(row.Since + TimeSpan.FromHours(25)))));

        Assert.Equal(1, sweeps.Sum(s => s.Expired));
        await Until(() => Harness.Published.Select<AnswerFailed>().FirstOrDefault());
        await NoRowsAsync();
        Assert.Single(Harness.Published.Select<AnswerFailed>());
    }

    [Fact]
    public async Task SweepsOfSeveralProcessesAtOnce_SendAStaleWaitAgainOnce()
    {
        await Ask("h");
        var row = await Until(async () => (await RowsAsync()).SingleOrDefault());

        // Just past the resend age of this recording, not of the one the resent request makes a moment later.
        var now = row.RecordedAt + TimeSpan.FromMinutes(15) + TimeSpan.FromMilliseconds(1);
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SweepAsync(now))));

        Assert.Equal(1, sweeps.Sum(s => s.Resent));
        await Until(async () => (await RowsAsync()).SingleOrDefault(r => r.Token != row.Token));
        await Until(() => Harness.Consumed.Select<AskForAnswer>().Count() >= 2 ? "again" : null);
        Assert.Equal(2, Harness.Sent.Select<AskForAnswer>().Count());
    }

    [Fact]
    public async Task AFailedInput_FailsItsWaiters_AndOnlyThem()
    {
        await Ask("d");
        await Ask("e");
        await Until(async () => (await RowsAsync()).Count == 2 ? "both" : null);

        await Harness.Bus.Publish(new InputFailed("d", "the disk broke"));

        var failed = await Until(() => Harness.Published.Select<AnswerFailed>().FirstOrDefault());
        Assert.Equal(new AnswerFailed("d", "waited for the input of d, which failed: the disk broke"), failed.Context.Message);
        // The failed event goes out before its row is deleted (a crash in between fails it twice, never not at all).
        Assert.Equal("input:e", (await Until(async () => (await RowsAsync()) is [var left] ? left : null)).Key);
    }

    [Fact]
    public async Task TheSameRequestWaitingTwice_IsOneRow()
    {
        await Ask("f");
        await Ask("f");
        await Until(() => Harness.Consumed.Select<AskForAnswer>().Count() == 2 ? "both" : null);

        Assert.Single(await RowsAsync());
    }

    private async Task Ask(string name) => await (await Harness.Bus.GetSendEndpoint(new Uri($"queue:{Queue}"))).Send(new AskForAnswer(name));

    private async Task<JobWaitSweepResult> SweepAsync(DateTime now)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<JobWaitSweeper<WaitsDbContext>>().SweepAsync(now, default);
    }

    private Task NoRowsAsync() => Until(async () => (await RowsAsync()).Count == 0 ? "none" : null);

    private async Task<List<JobWaitRow>> RowsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WaitsDbContext>().Set<JobWaitRow>().AsNoTracking().ToListAsync();
    }

    private static Task<T> Until<T>(Func<T?> probe) where T : class => Until(() => Task.FromResult(probe()));

    /// <summary>Polls, at most 30 s, until <paramref name="probe"/> finds something.</summary>
    private static async Task<T> Until<T>(Func<Task<T?>> probe) where T : class
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(20))
            if (await probe() is { } found) return found;
        throw new TimeoutException("the awaited state never came");
    }
}

/// <summary>Which names have their input (shared by every scope of a test).</summary>
public sealed class Inputs
{
    public System.Collections.Concurrent.ConcurrentBag<string> Arrived { get; } = [];
    public System.Collections.Concurrent.ConcurrentBag<string> ArrivesAfterFirstLook { get; } = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _looks = new();

    public bool IsThere(string name) =>
        Arrived.Contains(name) || (ArrivesAfterFirstLook.Contains(name) && _looks.AddOrUpdate(name, 1, (_, n) => n + 1) > 1);
}

public sealed class WaitsDbContext(DbContextOptions<WaitsDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder model) => model.AddJobWaits();
}

public sealed class AskForAnswerConsumer(Inputs inputs, JobWaits<WaitsDbContext> waits) : IConsumer<AskForAnswer>
{
    public async Task Consume(ConsumeContext<AskForAnswer> context)
    {
        var name = context.Message.Name;
        if (inputs.IsThere(name))
        {
            await context.Publish(new Answered(name));
            return;
        }
        await waits.WaitAsync(context, new JobName("test", name),
            new JobWait($"input:{name}", $"the input of {name}", _ => Task.FromResult(inputs.IsThere(name))));
    }
}
