using System.Diagnostics;

namespace Refinery.Host.Bench;

/// <summary>The PyTorch reference of `refinery bench train` (tools/hf-reference/train_bench.py in the repository), run
/// with Debian's python3-torch (deploy/local/python-torch.sh installs it). Debian's package is seen only by Debian's
/// interpreter, /usr/bin/python3 (a pyenv or venv python3 earlier on PATH does not), or by REFINERY_PYTHON.
/// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for that command only: set on these machines for old OpenBLAS
/// builds, they force slower kernels on the one PyTorch links.</summary>
public static class PythonReference
{
    public const string RelativePath = "tools/hf-reference/train_bench.py";

    /// <summary>The script, found above the running binary (the repository it was built from).</summary>
    /// <exception cref="FileNotFoundException">Not run from a build inside the repository.</exception>
    public static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{RelativePath} is not above {AppContext.BaseDirectory}; run the bench from a build in the repository");
    }

    public static async Task<bool> HasTorchAsync(CancellationToken ct)
    {
        try
        {
            var start = Start("-c", "import torch");
            start.RedirectStandardError = true;  // the ImportError is the answer, not something to show
            using var probe = Process.Start(start)!;
            await probe.StandardError.ReadToEndAsync(ct);
            await probe.WaitForExitAsync(ct);
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;  // no python3 at all
        }
    }

    /// <summary>Runs the script and returns its last output line (one JSON object).</summary>
    public static async Task<string> RunAsync(string script, int threads, int steps, CancellationToken ct)
    {
        var start = Start(script, "--threads", threads.ToString(), "--steps", steps.ToString(), "--warmup", "2");
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} exited with {process.ExitCode}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var python = Environment.GetEnvironmentVariable("REFINERY_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";
        var start = new ProcessStartInfo(python) { UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        return start;
    }
}
