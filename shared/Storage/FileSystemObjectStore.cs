using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;
using Refinery.Contracts;

namespace Refinery.Storage;

/// <summary>
/// The object store as a folder: object <c>k</c> of bucket <c>b</c> is the file <c>{root}/{b}/{k}</c>.
/// </summary>
/// <remarks>
/// <para>A put streams into a hidden temp file next to the target (<c>.{name}.{guid}.tmp</c>) while hashing it, then
/// renames it over the target, so readers see the old object or the new one, never a half-written one, and a crash
/// leaves at most a hidden temp file. The sha256 is kept in a hidden sidecar <c>.{name}.meta</c> together with the
/// length and modification time of the data file it describes (each put gives its file a random sub-second mtime,
/// so LastModified is exact to the second only); a sidecar that does not match its data file (a crash between the
/// two renames, a racing put, a file changed by hand) is ignored and the hash is recomputed.</para>
/// <para>Names starting with '.' are reserved for those hidden files: a key segment that starts with '.' or '%' is
/// stored with that first character escaped (<c>%2E</c>, <c>%25</c>), so no key can collide with them.</para>
/// <para>Unlike S3, a key cannot also be a folder of other keys (<c>a</c> and <c>a/b</c>); such a put throws
/// <see cref="IOException"/>. Deleting the last object of a folder removes the empty folder.</para>
/// </remarks>
public sealed class FileSystemObjectStore : IObjectStore
{
    private const int BufferSize = HashingCopy.BufferSize;
    private const string SidecarSuffix = ".meta";
    private const string TempSuffix = ".tmp";

    private readonly string _bucketRoot;

    public FileSystemObjectStore(string root, string bucket = "refinery")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Bucket = StorageNames.ValidateBucket(bucket);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _bucketRoot = Path.Join(Root, Bucket);
    }

    /// <summary>The folder holding one subfolder per bucket.</summary>
    public string Root { get; }

    public string Bucket { get; }

    public Task<ObjectRef> PutAsync(string key, Stream content, CancellationToken ct = default)
    {
        var path = Resolve(key);
        ArgumentNullException.ThrowIfNull(content);
        return PutCoreAsync(path, content, ct);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default)
    {
        var path = Resolve(key);
        try
        {
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(Open(path));
        }
        catch (Exception ex)
        {
            return Task.FromException<Stream>(ex);
        }
    }

    public Task<ObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        var path = Resolve(key);
        return StatCoreAsync(path, ct);
    }

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct = default)
    {
        StorageNames.ValidatePrefix(prefix);
        var slash = prefix.LastIndexOf('/');
        var dirKey = slash < 0 ? "" : prefix[..(slash + 1)];
        var startDir = dirKey.Length == 0 ? _bucketRoot : Resolve(dirKey[..^1]).Full;
        return ListCoreAsync(startDir, dirKey, prefix, ct);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken ct = default)
    {
        var path = Resolve(key);
        try
        {
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(Delete(path));
        }
        catch (Exception ex)
        {
            return Task.FromException<bool>(ex);
        }
    }

    public Task<ObjectRef> CopyAsync(string sourceKey, string destinationKey, CancellationToken ct = default)
    {
        var source = Resolve(sourceKey, nameof(sourceKey));
        var destination = Resolve(destinationKey, nameof(destinationKey));
        return CopyCoreAsync(source, destination, ct);
    }

    private Stream Open(ObjectPath path)
    {
        try
        {
            return new FileStream(path.Full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (IsMissing(ex, path.Full))
        {
            throw new ObjectNotFoundException(path.Key);
        }
    }

    private bool Delete(ObjectPath path)
    {
        // Renamed aside first: a rename of a file that is gone fails, so of two deletes at once exactly one finds the
        // object there (a sweep counts what it deleted); the hidden name is never listed.
        var aside = Path.Join(path.Dir, $".{path.Name}.{Guid.NewGuid():N}.deleted{TempSuffix}");
        bool existed;
        try
        {
            File.Move(path.Full, aside);
            existed = true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            existed = false;
        }
        if (existed) TryDelete(aside);
        TryDelete(path.Sidecar);
        PruneEmptyFolders(path.Dir);
        return existed;
    }

    private async Task<ObjectRef> CopyCoreAsync(ObjectPath source, ObjectPath destination, CancellationToken ct)
    {
        // Streams the bytes through the same hashing put: the copy is atomic and its sha256 is the source's by construction.
        ct.ThrowIfCancellationRequested();
        var input = Open(source);
        await using (input.ConfigureAwait(false))
        {
            return await PutCoreAsync(destination, input, ct).ConfigureAwait(false);
        }
    }

    private async Task<ObjectRef> PutCoreAsync(ObjectPath path, Stream content, CancellationToken ct)
    {
        string temp;
        FileStream output;
        for (var attempt = 1; ; attempt++)
        {
            CreateFolder(path);
            temp = Path.Join(path.Dir, $".{path.Name}.{Guid.NewGuid():N}{TempSuffix}");
            try
            {
                output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize,
                    FileOptions.Asynchronous | FileOptions.SequentialScan);
                break;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // A delete pruned the folder between CreateDirectory and here: make it again.
            }
        }

        string sha256;
        long length;
        long stamp;
        try
        {
            await using (output.ConfigureAwait(false))
            {
                (sha256, length) = await HashingCopy.CopyAsync(content, output, ct).ConfigureAwait(false);
            }
            stamp = StampVersion(temp);
            if (Directory.Exists(path.Full))
                throw new IOException(
                    $"Cannot store object '{path.Key}': other keys start with '{path.Key}/', and a folder store cannot hold both");
            File.Move(temp, path.Full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        WriteSidecar(path, sha256, length, stamp);
        return new ObjectRef { Bucket = Bucket, Key = path.Key, Sha256 = sha256, Length = length };
    }

    private async Task<ObjectInfo?> StatCoreAsync(ObjectPath path, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path.Full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (IsMissing(ex, path.Full))
        {
            return null;
        }

        using (handle)
        {
            // Length and time come from the open handle, so they describe the same file version as the bytes hashed below.
            var length = RandomAccess.GetLength(handle);
            var modified = File.GetLastWriteTimeUtc(handle);
            var sha256 = ReadSidecar(path, length, modified.Ticks);
            if (sha256 is null)
            {
                await using var stream = new FileStream(handle, FileAccess.Read, BufferSize, isAsync: true);
                (sha256, _) = await HashingCopy.HashAsync(stream, ct).ConfigureAwait(false);
                WriteSidecar(path, sha256, length, modified.Ticks);
            }
            return new ObjectInfo(path.Key, length, sha256, new DateTimeOffset(modified));
        }
    }

    private async IAsyncEnumerable<ObjectInfo> ListCoreAsync(string startDir, string dirKey, string prefix,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var info in Walk(startDir, dirKey, prefix))
        {
            ct.ThrowIfCancellationRequested();
            yield return info;
        }
    }

    /// <summary>Depth-first in key order: a folder sorts as its name plus '/', which is where its keys sort.</summary>
    private IEnumerable<ObjectInfo> Walk(string dir, string dirKey, string prefix)
    {
        var entries = new List<(string SortKey, FileSystemInfo Info)>();
        try
        {
            foreach (var info in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (info.Name.StartsWith('.')) continue; // sidecars, temp files
                var key = dirKey + UnescapeSegment(info.Name);
                if (info is DirectoryInfo)
                {
                    if (info.LinkTarget is not null) continue; // never follow links out of the tree
                    key += "/";
                    if (!key.StartsWith(prefix, StringComparison.Ordinal) && !prefix.StartsWith(key, StringComparison.Ordinal))
                        continue;
                }
                else if (!key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }
                entries.Add((key, info));
            }
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }

        entries.Sort((a, b) => KeyOrder.Instance.Compare(a.SortKey, b.SortKey));
        foreach (var (key, info) in entries)
        {
            if (info is DirectoryInfo)
            {
                foreach (var inner in Walk(info.FullName, key, prefix)) yield return inner;
            }
            else if (info is FileInfo file && file.Exists)
            {
                yield return new ObjectInfo(key, file.Length, null, new DateTimeOffset(file.LastWriteTimeUtc));
            }
        }
    }

    private ObjectPath Resolve(string? key, string paramName = "key")
    {
        ObjectKey.Validate(key, paramName);
        var segments = key!.Split('/');
        for (var i = 0; i < segments.Length; i++) segments[i] = EscapeSegment(segments[i]);
        var full = Path.GetFullPath(Path.Join(_bucketRoot, string.Join(Path.DirectorySeparatorChar, segments)));
        var dir = Path.GetDirectoryName(full);
        if (dir is null || !full.StartsWith(_bucketRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Invalid object key '{key}': it leaves the store's folder", paramName);
        return new ObjectPath(key, full, dir, segments[^1]);
    }

    private static string EscapeSegment(string segment) =>
        segment[0] is '.' or '%' ? string.Create(CultureInfo.InvariantCulture, $"%{(int)segment[0]:X2}{segment.AsSpan(1)}") : segment;

    private static string UnescapeSegment(string name)
    {
        if (name.Length >= 3 && name[0] == '%' &&
            int.TryParse(name.AsSpan(1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var c))
            return (char)c + name[3..];
        return name;
    }

    private void CreateFolder(ObjectPath path)
    {
        try
        {
            Directory.CreateDirectory(path.Dir);
        }
        catch (IOException ex) when (ex is not PathTooLongException)
        {
            throw new IOException(
                $"Cannot store object '{path.Key}': a shorter key is an object where its folder would be", ex);
        }
    }

    /// <summary>
    /// Gives a new data file a modification time that identifies this version: the current second plus random
    /// sub-second ticks. File systems take mtimes from a coarse clock (a jiffy), so two puts of the same length
    /// would otherwise often get the same mtime, and a racing put's sidecar could pass for this file's.
    /// </summary>
    private static long StampVersion(string path)
    {
        var now = DateTime.UtcNow.Ticks;
        var stamped = now - now % TimeSpan.TicksPerSecond + Random.Shared.NextInt64(TimeSpan.TicksPerSecond);
        File.SetLastWriteTimeUtc(path, new DateTime(stamped, DateTimeKind.Utc));
        return File.GetLastWriteTimeUtc(path).Ticks; // what the file system kept (it may round)
    }

    /// <summary>Sidecar format: <c>{sha256} {length} {mtime ticks}</c>.</summary>
    private static string? ReadSidecar(ObjectPath path, long length, long stamp)
    {
        string text;
        try { text = File.ReadAllText(path.Sidecar); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 3) return null;
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l != length) return null;
        if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t != stamp) return null;
        return HashingCopy.NormalizeSha256(parts[0]);
    }

    private static void WriteSidecar(ObjectPath path, string sha256, long length, long stamp)
    {
        var temp = Path.Join(path.Dir, $".{path.Name}{SidecarSuffix}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture, $"{sha256} {length} {stamp}\n"));
            File.Move(temp, path.Sidecar, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: without a sidecar the hash is recomputed on the next stat.
            TryDelete(temp);
        }
    }

    private void PruneEmptyFolders(string dir)
    {
        while (dir.Length > _bucketRoot.Length && dir.StartsWith(_bucketRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            try { Directory.Delete(dir, recursive: false); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return; } // not empty, or gone
            dir = Path.GetDirectoryName(dir)!;
        }
    }

    private static bool IsMissing(Exception ex, string fullPath) =>
        ex is FileNotFoundException or DirectoryNotFoundException
        || (ex is UnauthorizedAccessException or IOException && Directory.Exists(fullPath));

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    private sealed record ObjectPath(string Key, string Full, string Dir, string Name)
    {
        public string Sidecar => Path.Join(Dir, "." + Name + SidecarSuffix);
    }
}
