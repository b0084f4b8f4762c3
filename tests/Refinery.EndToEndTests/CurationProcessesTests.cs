using System.Text.Json;
using System.Text.RegularExpressions;
using Refinery.Contracts;
using Refinery.Curation.Pipeline;
using Refinery.TestSupport;
using Xunit.Abstractions;

namespace Refinery.EndToEndTests;

/// <summary>Curation on the real RabbitMQ, PostgreSQL and S3: two Curation processes share a version's parts, and the
/// documents it keeps equal `refinery filter` run offline over the same document shards and their signals, with a
/// recipe whose quantile rule is ranked across every part.</summary>
public sealed partial class CurationProcessesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>The dataset card's rules, then a quantile rule, so the parts also share a ranking round across processes.</summary>
    private static readonly string Recipe = Curation.Recipes.Recipe.Load("gopher-rules-pass").Text
                                            + "rule most_varied: keep doc when top 60% by rps_doc_frac_unique_words\n";

    [GeneratedRegex(@"part (\d+) kept")]
    private static partial Regex Wrote();

    [Fact]
    public async Task TwoCurationProcesses_ShareTheParts_AndKeepWhatTheOfflineFilterKeeps()
    {
        await using var platform = await SignalsPlatform.StartAsync("curation", signalsProcesses: 1, curationProcesses: 2);
        await platform.SubmitCorpusAsync("dedup", "dev_neardup_docs.jsonl.gz");
        var (shards, _, _) = await platform.WaitForAllSignalsAsync(Patience);

        var created = await platform.CreateDatasetAsync("neardup-gopher", Recipe, "bytes", Patience);

        var store = platform.Store();
        var manifestRef = created.GetProperty("manifest");
        var manifest = await ManifestReader.ReadVerifiedAsync(store, new ObjectRef
        {
            Bucket = store.Bucket, Key = manifestRef.GetProperty("key").GetString()!, Sha256 = manifestRef.GetProperty("sha256").GetString()!,
            Length = manifestRef.GetProperty("length").GetInt64(),
        }, CancellationToken.None);
        Assert.Equal(3 * shards, manifest.Files.Count);
        var kept = new List<string>();
        await foreach (var document in VersionReader.DocumentsAsync(store, manifest)) kept.Add(document.GetProperty("id").GetString()!);
        Assert.Equal(await OfflineAsync(platform), kept);
        var written = platform.Curation.Select(p => Wrote().Matches(p.Output).Select(m => int.Parse(m.Groups[1].Value)).ToHashSet()).ToList();
        output.WriteLine($"parts per process: {string.Join(" | ", written.Select(w => w.Count))}");
        Assert.Equal(Enumerable.Range(0, shards), written.SelectMany(w => w).Distinct().Order());
        Assert.All(written, w => Assert.NotEmpty(w));
    }

    /// <summary>The document shards downloaded in order, `refinery signals`, then `refinery filter` with the same recipe.</summary>
    private static async Task<List<string>> OfflineAsync(SignalsPlatform platform)
    {
        var dir = Directory.CreateTempSubdirectory("refinery-curation-offline-").FullName;
        try
        {
            var store = platform.Store();
            var files = new List<string>();
            await foreach (var info in store.ListAsync($"docs/{SignalsPlatform.Corpus}/"))
            {
                var path = Path.Combine(dir, Path.GetFileName(info.Key));
                await using (var stream = await store.OpenReadAsync(info.Key))
                await using (var file = File.Create(path))
                    await stream.CopyToAsync(file);
                files.Add(path);
            }
            files.Sort(StringComparer.Ordinal);
            var signals = Path.Combine(dir, "signals.jsonl");
            var s = await CliProcess.RunAsync(Patience, ["signals", .. files, "-o", signals, "--json"]);
            Assert.True(s.ExitCode == 0, s.Stderr);
            var kept = Path.Combine(dir, "kept.jsonl");
            var recipe = Path.Combine(dir, "varied.recipe");
            await File.WriteAllTextAsync(recipe, Recipe);
            var f = await CliProcess.RunAsync(Patience, ["filter", .. files, "--signals", signals, "--recipe", recipe, "-o", kept, "--json"]);
            Assert.True(f.ExitCode == 0, f.Stderr);
            return File.ReadLines(kept).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
