using System.Diagnostics;
using System.Text.Json;

namespace Refinery.Modeling.Tests;

/// <summary>Runs tools/hf-reference/llama_reference.py, the independent PyTorch LlamaForCausalLM, with Debian's
/// python3 (or REFINERY_PYTHON). Without PyTorch the tests fail saying how to install it: the test support has no
/// skip, and a skipped check must never look like a passed one.</summary>
internal static class PythonReference
{
    // Debian's python3-torch is installed for Debian's interpreter only; a pyenv python3 on PATH does not see it.
    public static string Interpreter =>
        Environment.GetEnvironmentVariable("REFINERY_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";

    public static string Script => Path.Combine(RepositoryRoot(), "tools", "hf-reference", "llama_reference.py");

    private static readonly Lazy<string?> TorchProblem = new(FindTorchProblem);

    /// <summary>Logits [sequence][position][vocab] of the folder's model for each token sequence.</summary>
    /// <exception cref="InvalidOperationException">PyTorch is missing, or the script refused the folder (its stderr).</exception>
    public static double[][][] Logits(string folder, IEnumerable<long[]> sequences)
    {
        var (exitCode, stdout, stderr) = Run(folder, sequences);
        if (exitCode != 0)
            throw new InvalidOperationException($"llama_reference.py exited with {exitCode}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("logits").EnumerateArray()
            .Select(s => s.EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray())
            .ToArray();
    }

    /// <summary>Runs the script and returns what it said, for tests of its refusals.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string folder, IEnumerable<long[]> sequences)
    {
        if (TorchProblem.Value is { } problem) throw new InvalidOperationException(problem);
        List<string> arguments = [Script, folder];
        foreach (var sequence in sequences) arguments.AddRange(["--tokens", string.Join(',', sequence)]);
        return Execute(arguments, TimeSpan.FromMinutes(2));
    }

    private static string? FindTorchProblem()
    {
        var ci = Environment.GetEnvironmentVariable("CI") ?? "unset";
        var howTo = "Run deploy/local/python-torch.sh as root (test.sh does; it runs apt-get install -y " +
                    "--no-install-recommends python3-torch libopenblas0-pthread), or set REFINERY_PYTHON to a python3 " +
                    $"that imports torch. (CI={ci})";
        try
        {
            var (exitCode, _, stderr) = Execute(["-c", "import torch"], TimeSpan.FromMinutes(1));
            return exitCode == 0 ? null : $"{Interpreter} cannot import torch ({stderr.Trim().Split('\n')[^1]}). {howTo}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Interpreter} cannot be started ({e.Message}). {howTo}";
        }
    }

    private static (int, string, string) Execute(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        // Both pipes are drained at once, so a full stderr pipe cannot stall a process that is still writing stdout.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Interpreter} {string.Join(' ', arguments)} ran longer than {timeout}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
