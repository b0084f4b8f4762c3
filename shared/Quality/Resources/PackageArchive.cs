using System.Formats.Tar;
using System.IO.Compression;

namespace Refinery.Quality.Resources;

/// <summary>Extracts npm package tarballs (.tgz) safely: every entry must land inside the destination folder,
/// links and device entries are skipped, and the total size is bounded. Streams, so memory stays constant.</summary>
public static class PackageArchive
{
    /// <summary>The most bytes one archive may expand to; npm caps packages far below this.</summary>
    public const long DefaultMaxBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Extracts a .tgz into <paramref name="destination"/> on a pool thread (synchronous file I/O is several
    /// times faster than async for thousands of small files).</summary>
    public static Task ExtractTarGzAsync(string tgzPath, string destination, CancellationToken ct, long maxBytes = DefaultMaxBytes) =>
        Task.Run(() =>
        {
            using var file = new FileStream(tgzPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            ExtractTar(gzip, destination, ct, maxBytes);
        }, ct);

    /// <summary>Extracts an uncompressed tar stream into <paramref name="destination"/> (created if missing).</summary>
    /// <exception cref="InvalidDataException">An entry would escape the destination, or the archive is too large or corrupt.</exception>
    public static void ExtractTar(Stream tar, string destination, CancellationToken ct, long maxBytes = DefaultMaxBytes)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        Directory.CreateDirectory(root);
        using var reader = new TarReader(tar, leaveOpen: true);
        long total = 0;
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            ct.ThrowIfCancellationRequested();
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                {
                    var path = SafePath(root, entry.Name);
                    total += entry.Length;
                    if (total > maxBytes)
                        throw new InvalidDataException($"archive expands to more than {maxBytes:N0} bytes");
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
                    entry.DataStream?.CopyTo(output);
                    break;
                }
                case TarEntryType.Directory:
                    Directory.CreateDirectory(SafePath(root, entry.Name, allowRoot: true));
                    break;
                default:
                    // Symbolic and hard links, devices, FIFOs and metadata entries: an npm package needs none of them,
                    // and a link is the classic way to write outside the destination later.
                    break;
            }
        }
    }

    /// <summary>The full path of a tar entry under <paramref name="root"/>, or an error when it would leave it.</summary>
    internal static string SafePath(string root, string entryName, bool allowRoot = false)
    {
        var name = entryName.Replace('\\', '/');
        if (name.Length == 0 || name.Contains('\0'))
            throw new InvalidDataException($"tar entry with an invalid name '{entryName}'");
        if (name.StartsWith('/') || Path.IsPathRooted(name) || (name.Length >= 2 && name[1] == ':'))
            throw new InvalidDataException($"tar entry '{entryName}' has an absolute path");
        if (name.Split('/').Any(segment => segment == ".."))
            throw new InvalidDataException($"tar entry '{entryName}' points outside the destination (path traversal)");
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, name)));
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (allowRoot && string.Equals(full, root, comparison))
            return full;
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, comparison))
            throw new InvalidDataException($"tar entry '{entryName}' points outside the destination (path traversal)");
        return full;
    }
}
