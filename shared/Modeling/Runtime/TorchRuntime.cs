using System.Runtime.CompilerServices;
using TorchSharp;

namespace Refinery.Modeling.Runtime;

/// <summary>The one door to libtorch: every entry point calls <see cref="EnsureLoaded"/> before its first torch call.</summary>
/// <remarks>
/// TorchSharp 0.107.0's glue library (libLibTorchSharp.so) was built with GCC 13 and asks for GLIBCXX_3.4.32, which
/// Debian 12's libstdc++ (up to 3.4.30) lacks, so the library does not load as shipped. The only symbol of that version
/// it names is the bare marker <c>_ZSt21ios_base_library_initv</c> GCC 13's &lt;iostream&gt; emits, with no relocation
/// and never called, so marking the requirement weak is safe: glibc then loads the library and notes the missing
/// version only in ldd's output. Re-check with <c>objdump -T libLibTorchSharp.so | grep GLIBCXX_3.4.3</c> on every
/// TorchSharp upgrade. Where the system has 3.4.32 (Ubuntu noble) the weak flag changes nothing.
/// </remarks>
public static class TorchRuntime
{
    /// <summary>The file name of TorchSharp's glue library on Linux.</summary>
    public const string GlueLibrary = "libLibTorchSharp.so";

    /// <summary>The libstdc++ version the shipped glue library asks for and Debian 12 lacks.</summary>
    public const string MissingGlibcxxVersion = "GLIBCXX_3.4.32";

    private static readonly Lock Gate = new();
    private static volatile bool _loaded;

    /// <summary>Fixes the glue library next to the app if needed (idempotent), then loads libtorch for the CPU.
    /// Cheap after the first call.</summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            if (OperatingSystem.IsLinux())
                foreach (var path in GlueLibraryCandidates().Where(File.Exists))
                    FixGlueLibrary(path);
            LoadCpuBackend();
            _loaded = true;
        }
    }

    /// <summary>Sets libtorch's intra-op thread count (after loading it). OpenMP with as many threads as cores
    /// collapses when another process takes a core, so shared machines and CI use 1.</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        EnsureLoaded();
        SetThreadsLoaded(threads);
    }

    private static void FixGlueLibrary(string path)
    {
        try
        {
            ElfVersionRequirements.Weaken(path, MissingGlibcxxVersion);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only app folder (an image built elsewhere) needs the fix applied where it was built.
            throw new InvalidOperationException(
                $"Cannot mark {MissingGlibcxxVersion} weak in {path} ({e.Message}); libtorch would not load on a " +
                "libstdc++ without it. Run the app once where its folder is writable.", e);
        }
    }

    /// <summary>Where the runtime looks for the glue library: next to the app when it was built for a runtime
    /// identifier (the layout TorchSharpNatives.props asks for), under runtimes/ otherwise. Only files under the
    /// app's own folder are touched, never the NuGet cache.</summary>
    public static IEnumerable<string> GlueLibraryCandidates()
    {
        var app = AppContext.BaseDirectory;
        yield return Path.Combine(app, GlueLibrary);
        yield return Path.Combine(app, "runtimes", "linux-x64", "native", GlueLibrary);
    }

    // Kept out of EnsureLoaded so nothing of TorchSharp (whose static constructor starts loading natives) is
    // touched before the file is fixed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LoadCpuBackend() => torch.InitializeDeviceType(DeviceType.CPU);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SetThreadsLoaded(int threads) => torch.set_num_threads(threads);
}
