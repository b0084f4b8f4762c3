using System.Globalization;

namespace Refinery.Storage;

/// <summary>Where a process writes its temporary files (shards being written, quarantine, spools, uploads being
/// buffered): a folder of its own under one root, by default the data directory's <c>tmp</c> (set by the host at
/// start, <see cref="UseRoot"/>). A process that dies leaves its folder; the next process to start on the same root
/// deletes the folders of processes that are gone, and only those, so several processes can share a data directory.
/// A folder's owner is alive while it holds the exclusive lock on the folder's <c>.lock</c> file (released by the
/// operating system when the process ends, however it ends), so a reused process id cannot fool the sweep.</summary>
public static class ScratchSpace
{
    private const string LockName = ".lock";

    /// <summary>A folder without its lock file may be one being created: it is left alone this long.</summary>
    private static readonly TimeSpan CreationGrace = TimeSpan.FromMinutes(1);

    private static readonly Lock Gate = new();
    private static string _root = Path.Combine(Path.GetTempPath(), "refinery-scratch");
    private static string? _folder;
    private static bool _chosen;
    private static FileStream? _lock;

    /// <summary>The root the process folders live under.</summary>
    public static string Root
    {
        get { lock (Gate) return _root; }
    }

    /// <summary>Makes <paramref name="root"/> the process's scratch root, unless a host of this process chose one
    /// already (the embedded platform starts several hosts in one process; switching roots under files being written
    /// would strand them), and deletes the folders there of processes that are gone.</summary>
    /// <returns>How many abandoned folders were deleted.</returns>
    public static int UseRoot(string root)
    {
        var full = Path.GetFullPath(root);
        lock (Gate)
        {
            if (!_chosen)
            {
                Release();
                _root = full;
                _chosen = true;
            }
        }
        return SweepAbandoned(full);
    }

    /// <summary>A new file name in this process's folder: <c>{prefix}-{guid}{extension}</c>. The caller creates it.</summary>
    public static string NewFile(string prefix, string extension) =>
        Path.Combine(Folder(), $"{prefix}-{Guid.NewGuid():N}{extension}");

    /// <summary>This process's folder, created (and locked) on first use.</summary>
    public static string Folder()
    {
        lock (Gate)
        {
            if (_folder is not null && Directory.Exists(_folder)) return _folder;
            Release();
            var folder = Path.Combine(_root,
                $"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.CreateDirectory(folder);
            // FileShare.None is an exclusive advisory lock (flock) on Unix: other processes' sweeps cannot take it.
            _lock = new FileStream(Path.Combine(folder, LockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            _folder = folder;
            return folder;
        }
    }

    /// <summary>Deletes every folder under <paramref name="root"/> whose owner is gone; returns how many.</summary>
    public static int SweepAbandoned(string root)
    {
        if (!Directory.Exists(root)) return 0;
        var deleted = 0;
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            if (string.Equals(folder, _folder, StringComparison.Ordinal) || !IsAbandoned(folder)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                deleted++;
            }
            catch (IOException) { } // another process's sweep got there first
            catch (UnauthorizedAccessException) { }
        }
        return deleted;
    }

    private static bool IsAbandoned(string folder)
    {
        var lockFile = Path.Combine(folder, LockName);
        if (!File.Exists(lockFile)) return DateTime.UtcNow - Directory.GetCreationTimeUtc(folder) > CreationGrace;
        try
        {
            using var taken = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false; // its owner holds the lock: alive
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Release()
    {
        _lock?.Dispose();
        _lock = null;
        _folder = null;
    }
}
