using System.Diagnostics;

namespace Refinery.Storage.Tests;

/// <summary>Temporary files live in a folder per process, and a starting process deletes only the folders of
/// processes that are gone. "Alive" is a held lock: here a real second process (util-linux flock) holds one folder's.</summary>
public sealed class ScratchSpaceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("refinery-scratch-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string name, bool withLock = true)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        if (withLock) File.WriteAllText(Path.Combine(folder, ".lock"), "");
        File.WriteAllText(Path.Combine(folder, "shard-1.jsonl.zst"), "left behind");
        return folder;
    }

    private static Process HoldLock(string folder)
    {
        var holder = Process.Start(new ProcessStartInfo("flock", ["-x", "-o", Path.Combine(folder, ".lock"), "sleep", "120"])
            { RedirectStandardError = true })!;
        // -o: the lock is flock's own (sleep does not inherit it), so killing flock releases it. flock creates and locks at once; wait until the lock is really held before sweeping.
        for (var i = 0; i < 100 && !IsLocked(Path.Combine(folder, ".lock")); i++) Thread.Sleep(50);
        if (!IsLocked(Path.Combine(folder, ".lock")))
        {
            // The caller's finally never sees a holder that failed to lock: stop it here.
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
            holder.Dispose();
            Assert.Fail("the holder never took the lock");
        }
        return holder;
    }

    private static bool IsLocked(string lockFile)
    {
        try
        {
            using var _ = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    public void TheSweep_DeletesTheFoldersOfGoneProcesses_AndKeepsALiveOnesFolder()
    {
        var alive = Folder("alive");
        var gone = Folder("gone");
        using var holder = HoldLock(alive);
        try
        {
            Assert.Equal(1, ScratchSpace.SweepAbandoned(_root));
            Assert.True(Directory.Exists(alive));
            Assert.False(Directory.Exists(gone));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        // The kernel drops the lock as the holder's last descriptor closes, a moment after it is reaped.
        for (var i = 0; i < 100 && IsLocked(Path.Combine(alive, ".lock")); i++) Thread.Sleep(50);

        // Its holder killed, the folder is abandoned: the next sweep takes it.
        Assert.Equal(1, ScratchSpace.SweepAbandoned(_root));
        Assert.False(Directory.Exists(alive));
    }

    [Fact]
    public void AFolderWithoutItsLockYet_IsLeftAlone_WhileItMayStillBeBeingCreated()
    {
        var creating = Folder("creating", withLock: false);

        Assert.Equal(0, ScratchSpace.SweepAbandoned(_root));
        Assert.True(Directory.Exists(creating));

        Directory.SetCreationTimeUtc(creating, DateTime.UtcNow.AddHours(-1));
        Assert.Equal(1, ScratchSpace.SweepAbandoned(_root));
    }

    [Fact]
    public void ThisProcesssFiles_GoToItsOwnLockedFolder_WhichNoSweepTakes()
    {
        var file = ScratchSpace.NewFile("shard", ".jsonl.zst");
        var folder = Path.GetDirectoryName(file)!;

        Assert.Equal(ScratchSpace.Folder(), folder);
        Assert.StartsWith("shard-", Path.GetFileName(file));
        Assert.True(IsLocked(Path.Combine(folder, ".lock")));
        // The root is shared with other test processes: the sweep may take their abandoned folders, never this one.
        ScratchSpace.SweepAbandoned(Path.GetDirectoryName(folder)!);
        Assert.True(Directory.Exists(folder));
    }
}
