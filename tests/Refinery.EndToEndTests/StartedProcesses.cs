using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace Refinery.EndToEndTests;

/// <summary>Every OS process the end-to-end tests start. Its owner stops it in all outcomes (a finally or a
/// dispose); this registry is the safety net for the owner that never got there — a start that threw half-way, a
/// test abandoned by a timeout — and kills whatever is still running when the test process exits, so a failed
/// test never leaves `refinery serve` holding queues, ports and database connections.</summary>
public static class StartedProcesses
{
    private static readonly ConcurrentDictionary<Process, string> Running = new();

    static StartedProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    /// <summary>The processes started and not yet stopped, for a test that checks nothing was left behind.</summary>
    public static IReadOnlyCollection<string> Alive => Running.Where(p => !HasExited(p.Key)).Select(p => p.Value).ToList();

    /// <summary>Starts <paramref name="process"/> and registers it before anything else can fail.</summary>
    public static Process Start(Process process)
    {
        process.Start();
        Running[process] = $"{process.Id}: {process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)}";
        return process;
    }

    /// <summary>Kills the process and its children if it still runs, waits (bounded) until it is gone, and
    /// forgets it. Safe to call more than once and on a process that exited by itself.</summary>
    public static async Task StopAsync(Process process)
    {
        Kill(process);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) { }
        catch (InvalidOperationException) { }
        Running.TryRemove(process, out _);
    }

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        // Exited (or was never started) between the check and the kill: nothing left to stop.
        catch (InvalidOperationException) { }
        catch (Win32Exception) { }
    }

    private static void KillAll()
    {
        foreach (var process in Running.Keys) Kill(process);
    }

    private static bool HasExited(Process process)
    {
        try { return process.HasExited; }
        catch (InvalidOperationException) { return true; }
    }
}
