using System.Diagnostics;
using System.Text.Json;

namespace Refinery.EndToEndTests;

/// <summary>Reads Parquet files with a reader Refinery does not use: hyparquet (JavaScript, from npm, pinned), with
/// its zstd decompressor. Python's `datasets`/pyarrow cannot be installed on these machines (no PyPI), so this is the
/// independent check that an export's files are well-formed Parquet another implementation reads row for row.</summary>
public static class IndependentParquet
{
    private const string Script = """
        import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
        import { compressors } from 'hyparquet-compressors'
        const rows = []
        for (const path of process.argv.slice(2)) {
          const file = await asyncBufferFromFile(path)
          for (const row of await parquetReadObjects({ file, compressors })) rows.push({ file: path, ...row })
        }
        process.stdout.write(JSON.stringify(rows))
        """;

    /// <summary>Every row of the files, in file order, as JSON objects with the file's path under "file".</summary>
    public static async Task<List<JsonElement>> ReadAsync(IReadOnlyList<string> files, TimeSpan timeout)
    {
        var dir = Directory.CreateTempSubdirectory("refinery-hyparquet-").FullName;
        try
        {
            await RunAsync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, "hyparquet@1.31.5", "hyparquet-compressors@1.1.2"], dir, timeout);
            var script = Path.Combine(dir, "read.mjs");
            await File.WriteAllTextAsync(script, Script);
            var output = await RunAsync("node", [script, .. files], dir, timeout);
            return JsonDocument.Parse(output).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> args, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = StartedProcesses.Start(new Process { StartInfo = start });
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(cts.Token);
            Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}");
            return await stdout;
        }
        finally
        {
            // A timeout or a failed assertion above must not leave the reader running.
            await StartedProcesses.StopAsync(process);
        }
    }
}
