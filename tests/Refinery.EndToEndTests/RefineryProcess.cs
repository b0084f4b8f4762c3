using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Refinery.EndToEndTests;

/// <summary>`refinery serve --targets ...` as a separate OS process, configured through environment variables
/// exactly as docker-compose configures it; its output is kept for the failure message. Disposing it kills it;
/// a start that fails kills it before throwing; <see cref="StartedProcesses"/> kills any left at the test run's end.</summary>
public sealed class RefineryProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RefineryProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<RefineryProcess> StartAsync(string targets, IReadOnlyDictionary<string, string?> configuration,
        TimeSpan? readiness = null)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { HostDll(), "serve", "--targets", targets, "--urls", url.ToString() }) start.ArgumentList.Add(arg);
        foreach (var (key, value) in configuration)
            if (key != "urls") start.Environment[key.Replace(":", "__")] = value;
        var process = new Process { StartInfo = start };
        var self = new RefineryProcess(process, url);
        process.OutputDataReceived += (_, e) => self.Append(e.Data);
        process.ErrorDataReceived += (_, e) => self.Append(e.Data);
        StartedProcesses.Start(process);
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await self.WaitReadyAsync(readiness ?? TimeSpan.FromSeconds(90));
            return self;
        }
        catch
        {
            // Nobody holds the process yet to dispose it: a host that never got ready must not outlive the test.
            await self.DisposeAsync();
            throw;
        }
    }

    /// <summary>The OS process id, for a test that looks the process up from outside.</summary>
    public int Id => _process.Id;

    /// <summary>Kills the process at once (SIGKILL to it and its children), as a crash would, and waits until it is
    /// gone; its output stays readable.</summary>
    public Task KillAsync() => StartedProcesses.StopAsync(_process);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"refinery exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"refinery at {Url} was not ready in {timeout}:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The host built beside this test (same configuration), found from the repository root.</summary>
    public static string HostDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "services", "Host", "bin", configuration, "net10.0", "refinery.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the host first: {dll} is missing", dll);
        }
        throw new DirectoryNotFoundException("Platform.sln not found above " + AppContext.BaseDirectory);
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await StartedProcesses.StopAsync(_process);
        _process.Dispose();
    }
}
