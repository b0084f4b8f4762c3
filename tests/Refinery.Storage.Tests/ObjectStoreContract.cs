using System.Security.Cryptography;
using Xunit;

namespace Refinery.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IObjectStore"/> must have. Each concrete store runs all of it; each test works
/// under its own fresh key prefix, so tests and reruns never see each other's objects.
/// </summary>
public abstract class ObjectStoreContract
{
    protected ObjectStoreContract(IObjectStore store, string runPrefix)
    {
        Store = store;
        P = $"{runPrefix}{Guid.NewGuid():N}/";
    }

    protected IObjectStore Store { get; }

    /// <summary>This test's key prefix, ending with '/'.</summary>
    protected string P { get; }

    [Fact]
    public async Task Put_then_read_round_trips_bytes_and_sha256()
    {
        var bytes = TestData.Bytes(100_000, seed: 1);
        var before = DateTimeOffset.UtcNow;

        var put = await Store.PutAsync(P + "data/one.bin", new MemoryStream(bytes));

        Assert.Equal(Store.Bucket, put.Bucket);
        Assert.Equal(P + "data/one.bin", put.Key);
        Assert.Equal(bytes.Length, put.Length);
        Assert.Equal(TestData.Sha256(bytes), put.Sha256);
        Assert.Equal(bytes, await Store.GetAsync(P + "data/one.bin"));

        var stat = await Store.StatAsync(P + "data/one.bin");
        Assert.NotNull(stat);
        Assert.Equal(P + "data/one.bin", stat.Key);
        Assert.Equal(bytes.Length, stat.Length);
        Assert.Equal(put.Sha256, stat.Sha256);
        Assert.Equal(TimeSpan.Zero, stat.LastModified.Offset);
        Assert.InRange(stat.LastModified, before.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Large_object_streams_in_and_out()
    {
        var bytes = TestData.Large;

        // A forward-only source with no length and short reads: the store must not rely on either.
        var put = await Store.PutAsync(P + "large.bin", new TrickleStream(bytes, maxRead: 64 * 1024));

        Assert.Equal(bytes.Length, put.Length);
        Assert.Equal(TestData.Sha256(bytes), put.Sha256);

        await using var stream = await Store.OpenReadAsync(P + "large.bin");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[50_000];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }
        Assert.Equal(bytes.Length, total);
        Assert.Equal(put.Sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
        Assert.Equal(put.Sha256, (await Store.StatAsync(P + "large.bin"))?.Sha256);
    }

    [Fact]
    public async Task Empty_object_works()
    {
        var put = await Store.PutAsync(P + "empty", new MemoryStream());

        Assert.Equal(0, put.Length);
        Assert.Equal(TestData.Sha256([]), put.Sha256);
        Assert.Empty(await Store.GetAsync(P + "empty"));
        var stat = await Store.StatAsync(P + "empty");
        Assert.Equal(0, stat?.Length);
        Assert.Equal(put.Sha256, stat?.Sha256);
        Assert.Equal([P + "empty"], (await Store.ListAllAsync(P)).Select(i => i.Key));
        var copy = await Store.CopyAsync(P + "empty", P + "empty-copy");
        Assert.Equal(put.Sha256, copy.Sha256);
        Assert.Equal(0, copy.Length);
    }

    [Fact]
    public async Task Overwrite_replaces_content_and_sha256()
    {
        var first = TestData.Bytes(3000, seed: 2);
        var second = TestData.Bytes(1000, seed: 3);
        await Store.PutBytesAsync(P + "k", first);

        var put = await Store.PutAsync(P + "k", new MemoryStream(second));

        Assert.Equal(TestData.Sha256(second), put.Sha256);
        Assert.Equal(second, await Store.GetAsync(P + "k"));
        var stat = await Store.StatAsync(P + "k");
        Assert.Equal(second.Length, stat?.Length);
        Assert.Equal(put.Sha256, stat?.Sha256);
        var listed = Assert.Single(await Store.ListAllAsync(P));
        Assert.Equal(second.Length, listed.Length);
    }

    [Fact]
    public async Task Stat_of_missing_object_is_null()
    {
        Assert.Null(await Store.StatAsync(P + "missing"));
        Assert.Null(await Store.StatAsync(P + "missing/deeper/key"));
    }

    [Fact]
    public async Task OpenRead_of_missing_object_throws_ObjectNotFound()
    {
        var ex = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(P + "missing"));
        Assert.Equal(P + "missing", ex.Key);
    }

    [Fact]
    public async Task OpenRead_of_a_prefix_that_is_not_an_object_throws_ObjectNotFound()
    {
        await Store.PutBytesAsync(P + "dir/file", [1]);

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(P + "dir"));
        Assert.Null(await Store.StatAsync(P + "dir"));
        Assert.False(await Store.DeleteAsync(P + "dir"));
    }

    [Fact]
    public async Task Keys_below_an_object_do_not_exist()
    {
        await Store.PutBytesAsync(P + "dir/file", [1]);

        Assert.Null(await Store.StatAsync(P + "dir/file/x"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(P + "dir/file/x"));
        Assert.False(await Store.DeleteAsync(P + "dir/file/x"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.CopyAsync(P + "dir/file/x", P + "y"));
        Assert.Empty(await Store.ListAllAsync(P + "dir/file/"));
        Assert.Empty(await Store.ListAllAsync(P + "dir/file/x"));
        Assert.Equal([P + "dir/file"], (await Store.ListAllAsync(P + "dir/file")).Select(i => i.Key));
    }

    [Fact]
    public async Task List_returns_keys_under_the_prefix_in_key_order()
    {
        // Deliberately put out of order; includes '-' '.' '/' around the segment end and non-ASCII.
        // (Keys outside the BMP are in the file-system tests: s3rver, one of the S3 test doubles, sorts by UTF-16.)
        string[] names = ["z", "ab", "a/c/d", "a/b", "a.b", "a-b", "é", "ü", "b"];
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
            await Store.PutBytesAsync(P + name, TestData.Bytes(i + 1, seed: i));
        // Same leading characters as P but outside it: must not be listed.
        var outside = P[..^1] + "-outside/a";
        await Store.PutBytesAsync(outside, [9]);

        try
        {
            var all = await Store.ListAllAsync(P);
            Assert.Equal(
                new[] { "a-b", "a.b", "a/b", "a/c/d", "ab", "b", "z", "é", "ü" }.Select(n => P + n),
                all.Select(i => i.Key));
            Assert.All(all, i => Assert.Equal(Array.IndexOf(names, i.Key[P.Length..]) + 1, i.Length));

            // A prefix may stop in the middle of a segment, like in S3.
            Assert.Equal(
                new[] { "a-b", "a.b", "a/b", "a/c/d", "ab" }.Select(n => P + n),
                (await Store.ListAllAsync(P + "a")).Select(i => i.Key));
            Assert.Equal(
                new[] { "a/b", "a/c/d" }.Select(n => P + n),
                (await Store.ListAllAsync(P + "a/")).Select(i => i.Key));
            Assert.Equal([P + "a/c/d"], (await Store.ListAllAsync(P + "a/c")).Select(i => i.Key));
            Assert.Empty(await Store.ListAllAsync(P + "nothing"));
            Assert.Empty(await Store.ListAllAsync(P + "nothing/"));
        }
        finally
        {
            await Store.DeleteAsync(outside);
        }
    }

    [Fact]
    public async Task List_gives_each_object_its_last_modified_time_in_UTC()
    {
        var before = DateTimeOffset.UtcNow;
        await Store.PutBytesAsync(P + "t/older", [1]);
        // S3 keeps times to the second: wait past one so the two puts cannot share a timestamp.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await Store.PutBytesAsync(P + "t/newer", [2]);

        var listed = (await Store.ListAllAsync(P + "t/")).ToDictionary(i => i.Key);

        Assert.All(listed.Values, i => Assert.Equal(TimeSpan.Zero, i.LastModified.Offset));
        Assert.All(listed.Values, i => Assert.InRange(i.LastModified, before.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.True(listed[P + "t/newer"].LastModified > listed[P + "t/older"].LastModified,
            $"{listed[P + "t/newer"].LastModified:O} should be after {listed[P + "t/older"].LastModified:O}");
        // Listing and stat describe the same version (stat over HTTP has whole seconds only).
        foreach (var info in listed.Values)
        {
            var stat = await Store.StatAsync(info.Key);
            Assert.NotNull(stat);
            Assert.InRange((info.LastModified - stat.LastModified).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task Delete_reports_whether_there_was_an_object()
    {
        await Store.PutBytesAsync(P + "d/x", [1, 2, 3]);
        await Store.PutBytesAsync(P + "d/y", [4]);

        Assert.True(await Store.DeleteAsync(P + "d/x"));
        Assert.False(await Store.DeleteAsync(P + "d/x"));
        Assert.False(await Store.DeleteAsync(P + "never"));

        Assert.Null(await Store.StatAsync(P + "d/x"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(P + "d/x"));
        Assert.Equal([P + "d/y"], (await Store.ListAllAsync(P)).Select(i => i.Key));
        Assert.True(await Store.DeleteAsync(P + "d/y"));
        Assert.Empty(await Store.ListAllAsync(P));
    }

    [Fact]
    public async Task Copy_keeps_content_and_sha256()
    {
        var bytes = TestData.Bytes(10_000, seed: 4);
        var put = await Store.PutAsync(P + "src/a", new MemoryStream(bytes));
        await Store.PutBytesAsync(P + "dst/b", [7, 7, 7]);

        var copy = await Store.CopyAsync(P + "src/a", P + "dst/b");

        Assert.Equal(Store.Bucket, copy.Bucket);
        Assert.Equal(P + "dst/b", copy.Key);
        Assert.Equal(put.Sha256, copy.Sha256);
        Assert.Equal(bytes.Length, copy.Length);
        Assert.Equal(bytes, await Store.GetAsync(P + "dst/b"));
        Assert.Equal(put.Sha256, (await Store.StatAsync(P + "dst/b"))?.Sha256);
        Assert.Equal(bytes, await Store.GetAsync(P + "src/a")); // the source stays

        var self = await Store.CopyAsync(P + "src/a", P + "src/a");
        Assert.Equal(put.Sha256, self.Sha256);
        Assert.Equal(bytes, await Store.GetAsync(P + "src/a"));
    }

    [Fact]
    public async Task Copy_of_missing_source_throws_ObjectNotFound()
    {
        var ex = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.CopyAsync(P + "missing", P + "b"));
        Assert.Equal(P + "missing", ex.Key);
        Assert.Null(await Store.StatAsync(P + "b"));
    }

    [Fact]
    public async Task Failed_put_leaves_the_previous_object_intact()
    {
        var original = TestData.Bytes(5000, seed: 5);
        await Store.PutBytesAsync(P + "keep", original);

        await Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync(P + "keep", new TrickleStream(TestData.Bytes(100_000, seed: 6), failAfter: 50_000)));
        await Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync(P + "new", new TrickleStream(TestData.Bytes(100_000, seed: 6), failAfter: 50_000)));

        Assert.Equal(original, await Store.GetAsync(P + "keep"));
        Assert.Equal(TestData.Sha256(original), (await Store.StatAsync(P + "keep"))?.Sha256);
        Assert.Null(await Store.StatAsync(P + "new"));
        Assert.Equal([P + "keep"], (await Store.ListAllAsync(P)).Select(i => i.Key));
    }

    [Fact]
    public async Task Put_honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Store.PutAsync(P + "cancelled", new MemoryStream([1, 2, 3]), cts.Token));
        Assert.Null(await Store.StatAsync(P + "cancelled"));
    }

    [Fact]
    public async Task Reader_may_stop_early_and_dispose()
    {
        await Store.PutAsync(P + "large.bin", new MemoryStream(TestData.Large));

        for (var i = 0; i < 3; i++)
        {
            await using var stream = await Store.OpenReadAsync(P + "large.bin");
            var head = new byte[4096];
            await stream.ReadExactlyAsync(head);
            Assert.Equal(TestData.Large.AsSpan(0, 4096).ToArray(), head);
        }

        // The store still works after abandoned reads.
        await Store.PutBytesAsync(P + "after", [1]);
        Assert.Equal([1], await Store.GetAsync(P + "after"));
    }

    [Fact]
    public async Task Concurrent_readers_each_get_the_whole_object()
    {
        var bytes = TestData.Bytes(2_000_000, seed: 8);
        await Store.PutBytesAsync(P + "shared", bytes);

        var reads = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.GetAsync(P + "shared")));

        Assert.All(reads, r => Assert.Equal(bytes, r));
    }

    public static TheoryData<string> InvalidKeys => new()
    {
        "../x", "/abs", "a//b", "a/./b", "a\\b", new string('k', ObjectKey.MaxLength + 1),
        "a/../../x", "x/..", "C:/x", "a\tb",
    };

    /// <summary>Invalid as keys although valid as list prefixes.</summary>
    public static TheoryData<string> InvalidKeysOnly => new() { "", "a/", "a/b/" };

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    [MemberData(nameof(InvalidKeysOnly))]
    public async Task Invalid_keys_are_rejected_by_every_method(string key)
    {
        var ok = P + "valid";
        await Store.PutBytesAsync(ok, [1]);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, new MemoryStream([1])));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StatAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CopyAsync(key, ok));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CopyAsync(ok, key));

        Assert.Equal([1], await Store.GetAsync(ok));
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Invalid_list_prefixes_are_rejected_when_listing_starts(string prefix)
    {
        Assert.Throws<ArgumentException>(() => Store.ListAsync(prefix));
    }

    [Fact]
    public async Task Null_arguments_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.PutAsync(P + "x", null!));
        Assert.Throws<ArgumentNullException>(() => Store.ListAsync(null!));
    }
}
