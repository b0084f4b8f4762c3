using System.Runtime.InteropServices;

namespace Refinery.Text.Compression;

/// <summary>The few functions of the system's libzstd that streaming decompression needs, bound at first use by
/// name, so a machine without the library (or with `REFINERY_ZSTD=managed`) simply falls back to the managed port.</summary>
internal static unsafe class LibZstd
{
    [StructLayout(LayoutKind.Sequential)]
    public struct Buffer
    {
        public void* Data;
        public nuint Size;
        public nuint Position;
    }

    private static readonly string[] Names = ["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib", "libzstd.dll", "zstd.dll"];

    public static readonly bool Available;
    public static readonly delegate* unmanaged<nint> CreateDStream;
    public static readonly delegate* unmanaged<nint, nuint> FreeDStream;
    /// <summary>(stream, output, input) → 0 at the end of a frame, an error code, or a hint of input still wanted.</summary>
    public static readonly delegate* unmanaged<nint, Buffer*, Buffer*, nuint> DecompressStream;
    public static readonly delegate* unmanaged<nuint, uint> IsError;
    public static readonly delegate* unmanaged<nuint, byte*> GetErrorName;

    static LibZstd()
    {
        if (Environment.GetEnvironmentVariable("REFINERY_ZSTD") == "managed") return;
        foreach (var name in Names)
        {
            if (!NativeLibrary.TryLoad(name, out var library)) continue;
            if (!NativeLibrary.TryGetExport(library, "ZSTD_createDStream", out var create) ||
                !NativeLibrary.TryGetExport(library, "ZSTD_freeDStream", out var free) ||
                !NativeLibrary.TryGetExport(library, "ZSTD_decompressStream", out var decompress) ||
                !NativeLibrary.TryGetExport(library, "ZSTD_isError", out var isError) ||
                !NativeLibrary.TryGetExport(library, "ZSTD_getErrorName", out var errorName))
                continue;
            CreateDStream = (delegate* unmanaged<nint>)create;
            FreeDStream = (delegate* unmanaged<nint, nuint>)free;
            DecompressStream = (delegate* unmanaged<nint, Buffer*, Buffer*, nuint>)decompress;
            IsError = (delegate* unmanaged<nuint, uint>)isError;
            GetErrorName = (delegate* unmanaged<nuint, byte*>)errorName;
            Available = true;
            return;
        }
    }

    public static nint Create() => CreateDStream();

    public static void Free(nint stream) => FreeDStream(stream);

    public static string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)GetErrorName(code)) ?? $"error {code}";
}
