using System.Diagnostics;

namespace Refinery.EndToEndTests;

/// <summary>Runs one `refinery` verb to completion as a separate process and captures its output.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(RefineryProcess.HostDll());
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = StartedProcesses.Start(new Process { StartInfo = start });
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                StartedProcesses.Kill(process);
                throw new TimeoutException($"refinery {string.Join(' ', args)} did not finish in {timeout}:\n{await stderr}");
            }
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            await StartedProcesses.StopAsync(process);
        }
    }
}
