using Refinery.Modeling.Runtime;
using static TorchSharp.torch;

namespace Refinery.Modeling.Tests;

public sealed class TorchRuntimeTests : IDisposable
{
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    // Pinned in Directory.Packages.props; the test reads the shipped file from the NuGet cache, never writes it.
    private const string TorchSharpVersion = "0.107.0";

    [Fact]
    public void EnsureLoaded_GlueLibraryNextToTheApp_RequiresGlibcxx3432OnlyWeakly()
    {
        TorchRuntime.EnsureLoaded();

        var path = TorchRuntime.GlueLibraryCandidates().First(File.Exists);
        var requirements = ElfVersionRequirements.Find(path, TorchRuntime.MissingGlibcxxVersion);
        Assert.NotEmpty(requirements);
        Assert.All(requirements, r => Assert.True(r.IsWeak, $"{r.Library} {r.Version} is still a hard requirement"));
    }

    [Fact]
    public void EnsureLoaded_Again_ChangesNothingAndTorchComputes()
    {
        TorchRuntime.EnsureLoaded();
        var path = TorchRuntime.GlueLibraryCandidates().First(File.Exists);
        var before = File.ReadAllBytes(path);

        TorchRuntime.EnsureLoaded();
        Assert.Equal(ElfVersionRequirements.Outcome.AlreadyWeak, ElfVersionRequirements.Weaken(path, TorchRuntime.MissingGlibcxxVersion));
        Assert.Equal(before, File.ReadAllBytes(path));

        using var a = tensor(new float[] { 1, 2, 3, 4 }).view(2, 2);
        using var b = tensor(new float[] { 5, 6, 7, 8 }).view(2, 2);
        using var product = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
    }

    [Fact]
    public void Weaken_ShippedLibrary_FlipsOnlyTheWeakBitOnce_AndLeavesTheCacheCopyAsShipped()
    {
        TorchRuntime.EnsureLoaded();  // whatever the fix did to the app's copy, the cache's must be untouched
        var shipped = ShippedGlueLibrary();
        Assert.All(ElfVersionRequirements.Find(shipped, TorchRuntime.MissingGlibcxxVersion), r => Assert.False(r.IsWeak));

        var copy = Path.Combine(_folders.New(), TorchRuntime.GlueLibrary);
        File.Copy(shipped, copy);
        Assert.Equal(ElfVersionRequirements.Outcome.Weakened, ElfVersionRequirements.Weaken(copy, TorchRuntime.MissingGlibcxxVersion));

        var (original, patched) = (File.ReadAllBytes(shipped), File.ReadAllBytes(copy));
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        var requirement = Assert.Single(ElfVersionRequirements.Find(copy, TorchRuntime.MissingGlibcxxVersion));
        Assert.Equal(new[] { requirement.FlagsOffset }, changed.Select(i => (long)i));
        Assert.Equal(original[changed[0]] | 2, patched[changed[0]]);

        Assert.Equal(ElfVersionRequirements.Outcome.AlreadyWeak, ElfVersionRequirements.Weaken(copy, TorchRuntime.MissingGlibcxxVersion));
        Assert.Equal(patched, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Weaken_VersionNotRequired_LeavesTheFileAlone()
    {
        var copy = Path.Combine(_folders.New(), TorchRuntime.GlueLibrary);
        File.Copy(ShippedGlueLibrary(), copy);
        var before = File.ReadAllBytes(copy);

        Assert.Equal(ElfVersionRequirements.Outcome.NotRequired, ElfVersionRequirements.Weaken(copy, "GLIBCXX_9.9.9"));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Weaken_NotAnElfFile_IsRefused()
    {
        var path = Path.Combine(_folders.New(), "not-a-library.so");
        File.WriteAllText(path, "#!/bin/sh\necho this is not an ELF file, but long enough to have a header of 64 bytes\n");

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionRequirements.Weaken(path, TorchRuntime.MissingGlibcxxVersion));
        Assert.Contains("not an ELF file", error.Message);
    }

    private static string ShippedGlueLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "torchsharp", TorchSharpVersion, "runtimes", "linux-x64", "native", TorchRuntime.GlueLibrary);
        Assert.True(File.Exists(path), $"the shipped glue library is not at {path}");
        return path;
    }
}
