using Refinery.Host.Embedded;

namespace Refinery.Host.Tests.Embedded;

/// <summary>A test against the whole embedded platform in this process, as `refinery serve` runs it, over HTTP: a data
/// directory of its own, started before each test and stopped and deleted after it.</summary>
public abstract class EmbeddedPlatformTest(string name) : IAsyncLifetime
{
    protected string DataDir { get; } = Directory.CreateTempSubdirectory($"refinery-{name}-").FullName;
    protected EmbeddedPlatform Platform => _platform ?? throw new InvalidOperationException("the platform has not started");
    protected HttpClient Http => _http ?? throw new InvalidOperationException("the platform has not started");

    private EmbeddedPlatform? _platform;
    private HttpClient? _http;

    public virtual async Task InitializeAsync()
    {
        _platform = await EmbeddedPlatform.StartAsync(DataDir, quiet: true, CancellationToken.None);
        _http = new HttpClient { BaseAddress = _platform.Url, Timeout = TimeSpan.FromMinutes(2) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_platform is not null) await _platform.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }
}
