using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Refinery.Quality.Resources;

namespace Refinery.Quality.Tests.Resources;

public sealed class NpmPackagesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refinery-npm-").FullName;
    private static readonly NpmPackage Package = new("word-list", "1.0.0");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> WriteTarballAsync(string content)
    {
        var path = NpmPackages.TarballPath(_dir, Package);
        await using (var file = File.Create(path))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip))
        {
            // Many files, so that unpacking takes long enough for the processes to overlap.
            for (var i = 0; i < 400; i++)
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, $"package/lists/{i}.json") { DataStream = new MemoryStream(new byte[512]) });
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "package/en.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
            await tar.WriteEntryAsync(entry);
        }
        return await NpmPackages.Sha256Async(path, default);
    }

    [Fact]
    public async Task ConcurrentExtractions_IntoAnEmptyCache_AllSucceed_AndSeeTheWholePackage()
    {
        var sha = await WriteTarballAsync("[\"a\",\"b\"]");

        // Each reads the list as soon as its extraction returns, while the others may still be extracting.
        var read = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var root = await NpmPackages.ExtractAsync(_dir, Package, sha, default);
            return (root, text: await File.ReadAllTextAsync(Path.Combine(root, "en.json")));
        })));

        Assert.Single(read.Select(r => r.root).Distinct());
        Assert.All(read, r => Assert.Equal("[\"a\",\"b\"]", r.text));
        Assert.Equal([Package.Stem, Path.GetFileName(NpmPackages.TarballPath(_dir, Package))],
            Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order()); // no staging or stale folders left
    }

    [Fact]
    public async Task AFolderFromAnotherTarball_IsReplaced()
    {
        var old = await WriteTarballAsync("[\"old\"]");
        await NpmPackages.ExtractAsync(_dir, Package, old, default);
        var sha = await WriteTarballAsync("[\"new\"]");

        var root = await NpmPackages.ExtractAsync(_dir, Package, sha, default);

        Assert.Equal("[\"new\"]", await File.ReadAllTextAsync(Path.Combine(root, "en.json")));
    }
}
