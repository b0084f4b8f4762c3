using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts.Ingestion;
using Refinery.Host.Targets;
using Refinery.Storage;

namespace Refinery.Host.Embedded;

/// <summary>Every service in this process on the embedded default (in-memory bus, SQLite, local files), for the
/// CLI verbs: they drive it through the same commands and events as a distributed deployment.</summary>
public sealed class EmbeddedPlatform : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedPlatform(WebApplication app) => _app = app;

    public IObjectStore Store => _app.Services.GetRequiredService<IObjectStore>();
    public IBus Bus => _app.Services.GetRequiredService<IBus>();

    /// <summary>Cancelled when the process is asked to stop (Ctrl-C, SIGTERM): the host's console lifetime takes those
    /// signals, so a verb waiting on the platform stops waiting on this rather than only on its own token.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The gateway's address (a free local port, chosen at start).</summary>
    public Uri Url => new(_app.Urls.First());

    public static async Task<EmbeddedPlatform> StartAsync(string dataDir, bool quiet, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Refinery:DataDir"] = dataDir,
            ["urls"] = "http://127.0.0.1:0",
            // Local files of the user's own: the upload limit guards a shared gateway, not this one.
            ["Refinery:Gateway:MaxUploadBytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (quiet) settings["Serilog:MinimumLevel:Default"] = "Warning";
        var app = RefineryApp.Build(TargetCatalog.All, [], settings);
        await app.StartAsync(ct);
        return new EmbeddedPlatform(app);
    }

    /// <summary>Uploads local files as a corpus through this process's gateway, as a remote client would, and waits for
    /// its outcome, reporting each ingestion event as it arrives. Going through the gateway gives the embedded CLI its
    /// rules: the same files again are idempotent (the corpus already there is reported), other files under a taken
    /// name are refused, and no raw source is ever replaced.</summary>
    public Task<CorpusIngested> IngestAsync(string corpus, IReadOnlyList<string> paths, IngestSettings settings,
        Action<object> onEvent, CancellationToken ct) =>
        Cli.GatewayClient.IngestAsync(Url, apiKey: null, corpus, [.. paths], settings, onEvent, ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
