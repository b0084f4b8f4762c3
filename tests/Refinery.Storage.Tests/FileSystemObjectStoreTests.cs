using Xunit;

namespace Refinery.Storage.Tests;

/// <summary>One temp folder for the whole test class, removed at the end.</summary>
public sealed class FileSystemStoreFixture : IDisposable
{
    public FileSystemStoreFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), $"refinery-storage-tests-{Guid.NewGuid():N}");
        Store = new FileSystemObjectStore(Root);
    }

    public string Root { get; }
    public FileSystemObjectStore Store { get; }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

public sealed class FileSystemObjectStoreTests(FileSystemStoreFixture fixture)
    : ObjectStoreContract(fixture.Store, "test/"), IClassFixture<FileSystemStoreFixture>
{
    private string BucketDir => Path.Combine(fixture.Root, "refinery");

    private string PathOf(string key) => Path.Combine(BucketDir, key.Replace('/', Path.DirectorySeparatorChar));

    [Fact]
    public async Task Objects_are_plain_files_and_hidden_files_are_not_listed()
    {
        var bytes = TestData.Bytes(1234, seed: 10);

        await Store.PutBytesAsync(P + "x/doc.jsonl", bytes);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(PathOf(P + "x/doc.jsonl")));
        var dir = Path.GetDirectoryName(PathOf(P + "x/doc.jsonl"))!;
        Assert.True(File.Exists(Path.Combine(dir, ".doc.jsonl.meta")));
        await File.WriteAllTextAsync(Path.Combine(dir, ".doc.jsonl.0123.tmp"), "left by a crash");
        Assert.Equal([P + "x/doc.jsonl"], (await Store.ListAllAsync(P)).Select(i => i.Key));
        await using var stream = await Store.OpenReadAsync(P + "x/doc.jsonl");
        Assert.IsType<FileStream>(stream);
        Assert.True(stream.CanSeek);
    }

    [Fact]
    public async Task Keys_that_look_like_hidden_files_do_not_collide_with_them()
    {
        string[] names = ["doc", ".doc.meta", ".doc", "%2Edoc", "%", ".x.0123.tmp", "dir/.hidden/..x"];
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
            await Store.PutBytesAsync(P + name, TestData.Bytes(100 + i, seed: i));

        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            var expected = TestData.Bytes(100 + i, seed: i);
            Assert.Equal(expected, await Store.GetAsync(P + name));
            Assert.Equal(TestData.Sha256(expected), (await Store.StatAsync(P + name))?.Sha256);
        }
        Assert.Equal(
            names.Select(n => P + n).Order(StringComparer.Ordinal),
            (await Store.ListAllAsync(P)).Select(i => i.Key));
        Assert.Equal([P + ".doc", P + ".doc.meta"], (await Store.ListAllAsync(P + ".d")).Select(i => i.Key));

        foreach (var name in names) Assert.True(await Store.DeleteAsync(P + name));
        Assert.Empty(await Store.ListAllAsync(P));
    }

    [Fact]
    public async Task List_order_is_code_point_order_like_S3()
    {
        // UTF-16 ordinal order would put the surrogate pair of U+1F600 before U+FB01; S3 (UTF-8 bytes) does not. (Keys
        // refuse private-use characters and U+FFFD, so the characters above the surrogates are a ligature and a full-width A.)
        string[] names = ["😀", "\uFF21", "\uFB01", "z", "é"];
        foreach (var name in names) await Store.PutBytesAsync(P + name, [1]);

        Assert.Equal(
            new[] { "z", "é", "\uFB01", "\uFF21", "😀" }.Select(n => P + n),
            (await Store.ListAllAsync(P)).Select(i => i.Key));
    }

    [Fact]
    public async Task A_stale_sidecar_is_detected_and_the_hash_recomputed()
    {
        await Store.PutBytesAsync(P + "s", TestData.Bytes(500, seed: 11));
        var changed = TestData.Bytes(500, seed: 12); // same length: only the time stamp tells

        await File.WriteAllBytesAsync(PathOf(P + "s"), changed);
        File.SetLastWriteTimeUtc(PathOf(P + "s"), DateTime.UtcNow.AddMinutes(1));

        Assert.Equal(TestData.Sha256(changed), (await Store.StatAsync(P + "s"))?.Sha256);
        Assert.Equal(TestData.Sha256(changed), (await Store.StatAsync(P + "s"))?.Sha256);
    }

    // The sidecar must never pass for another version's data. Same-length versions, because ext4 takes mtimes from
    // a coarse clock: without the per-put random stamp this failed in 2 of 3 runs. (Not in the contract: moto, the
    // S3 test double, answers racing PUTs of one key with HTTP 500; real S3 keeps the last one.)
    [Fact]
    public async Task Racing_puts_of_one_key_leave_one_whole_version_with_its_sha256()
    {
        var versions = Enumerable.Range(0, 16).Select(i => TestData.Bytes(4 * 1024, seed: 100 + i)).ToArray();
        for (var round = 0; round < 40; round++)
        {
            await Task.WhenAll(versions.Select(v => Task.Run(() => Store.PutAsync(P + "race", new MemoryStream(v)))));

            var content = await Store.GetAsync(P + "race");
            Assert.Contains(versions, v => v.AsSpan().SequenceEqual(content));
            Assert.Equal(TestData.Sha256(content), (await Store.StatAsync(P + "race"))?.Sha256);
        }
        Assert.Equal([P + "race"], (await Store.ListAllAsync(P)).Select(i => i.Key));
    }

    // A storage sweep counts what it deleted: of deletes racing for one object, exactly one may say it was there.
    [Fact]
    public async Task Racing_deletes_of_one_key_report_it_deleted_once()
    {
        for (var round = 0; round < 20; round++)
        {
            await Store.PutBytesAsync(P + "gone", TestData.Bytes(64, seed: round));

            var deleted = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.DeleteAsync(P + "gone"))));

            Assert.Equal(1, deleted.Count(d => d));
            Assert.Null(await Store.StatAsync(P + "gone"));
        }
        // Nothing left aside: the folder is gone with its last object, or holds no trace of this one.
        var folder = Path.GetDirectoryName(PathOf(P + "gone"))!;
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(f => f.Contains("gone")));
    }

    [Fact]
    public async Task A_missing_sidecar_is_rebuilt()
    {
        var bytes = TestData.Bytes(700, seed: 13);
        await Store.PutBytesAsync(P + "m", bytes);
        var sidecar = Path.Combine(Path.GetDirectoryName(PathOf(P + "m"))!, ".m.meta");
        File.Delete(sidecar);

        Assert.Equal(TestData.Sha256(bytes), (await Store.StatAsync(P + "m"))?.Sha256);
        Assert.True(File.Exists(sidecar));
    }

    [Fact]
    public async Task Failed_put_leaves_no_temp_file()
    {
        await Store.PutBytesAsync(P + "f/keep", [1]);

        await Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync(P + "f/broken", new TrickleStream(TestData.Bytes(10_000, seed: 14), failAfter: 5000)));

        var files = Directory.GetFiles(Path.GetDirectoryName(PathOf(P + "f/keep"))!).Select(Path.GetFileName);
        Assert.Equal([".keep.meta", "keep"], files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_key_cannot_also_be_a_folder_of_keys()
    {
        await Store.PutBytesAsync(P + "a/b", [1]);
        await Store.PutBytesAsync(P + "c", [2]);

        var asFile = await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(P + "a", new MemoryStream([3])));
        Assert.Contains(P + "a", asFile.Message);
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(P + "c/d", new MemoryStream([4])));

        Assert.Equal([P + "a/b", P + "c"], (await Store.ListAllAsync(P)).Select(i => i.Key));
    }

    [Fact]
    public async Task Deleting_the_last_object_of_a_folder_removes_the_folder()
    {
        await Store.PutBytesAsync(P + "e/f/g", [1]);

        Assert.True(await Store.DeleteAsync(P + "e/f/g"));

        Assert.False(Directory.Exists(Path.GetDirectoryName(PathOf(P + "e/f/g"))));
        Assert.False(Directory.Exists(Path.Combine(BucketDir, P.TrimEnd('/'), "e")));
        await Store.PutBytesAsync(P + "e", [2]); // the name is free again
        Assert.Equal([2], await Store.GetAsync(P + "e"));
    }

    [Fact]
    public void Objects_live_under_root_and_bucket()
    {
        var store = new FileSystemObjectStore(Path.Combine(fixture.Root, "x", "..", "other-root"), "my-bucket");

        Assert.Equal(Path.Combine(fixture.Root, "other-root"), store.Root);
        Assert.Equal("my-bucket", store.Bucket);
        Assert.Throws<ArgumentException>(() => new FileSystemObjectStore(fixture.Root, "../up"));
        Assert.Throws<ArgumentException>(() => new FileSystemObjectStore(fixture.Root, "a/b"));
        Assert.Throws<ArgumentException>(() => new FileSystemObjectStore(" "));
    }

    [Fact]
    public async Task Buckets_are_separate_folders()
    {
        var other = new FileSystemObjectStore(fixture.Root, "other-bucket");
        await other.PutBytesAsync(P + "k", [5]);

        Assert.Null(await Store.StatAsync(P + "k"));
        Assert.True(File.Exists(Path.Combine(fixture.Root, "other-bucket", P.TrimEnd('/'), "k")));
        Assert.Equal("other-bucket", (await other.PutAsync(P + "k", new MemoryStream([6]))).Bucket);
    }
}
