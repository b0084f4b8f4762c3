using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Minio;
using Minio.DataModel;
using Minio.DataModel.Args;
using Refinery.Contracts;
using MinioBucketNotFound = Minio.Exceptions.BucketNotFoundException;
using MinioObjectNotFound = Minio.Exceptions.ObjectNotFoundException;

namespace Refinery.Storage;

/// <summary>What <see cref="S3ObjectStore.EnsureBucketAsync"/> found or did.</summary>
public sealed record BucketSetup(bool Created, int? AbortIncompleteUploadsAfterDays, string? LifecycleProblem);

/// <summary>The object store on an S3-compatible server, through the Minio .NET client (7.0.0).</summary>
/// <remarks>
/// <para>A put spools the content to a temp file while hashing it, because the sha256 travels as object metadata
/// (<c>x-amz-meta-sha256</c>) and must be known before the upload starts; the known size also lets Minio upload
/// objects of 5 MiB or more in parts (16 MiB each in Minio 7.0.0). S3 never shows a partly uploaded object, but a
/// failed or killed multipart upload leaves its parts on the server: <see cref="EnsureBucketAsync"/> gives the bucket an
/// AbortIncompleteMultipartUpload lifecycle rule.</para>
/// <para>A missing bucket is an error (<see cref="InvalidOperationException"/>) on every call, not an absent object,
/// so that a misconfigured store does not look empty. <see cref="EnsureBucketAsync"/> creates it.</para>
/// </remarks>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    /// <summary>User-metadata name of the sha256 (sent as the header <c>x-amz-meta-sha256</c>).</summary>
    public const string Sha256MetadataName = "sha256";

    private const string Sha256Header = "x-amz-meta-" + Sha256MetadataName;
    private const string ContentType = "application/octet-stream";
    private const int PipePauseBytes = 1024 * 1024;
    private const int PipeSegmentBytes = 64 * 1024;

    private readonly IMinioClient _client;
    private readonly bool _ownsClient;
    private readonly string? _spoolDirectory;
    private readonly S3BucketLifecycle? _lifecycle;
    private readonly HttpClient? _lifecycleHttp;
    private readonly int _abortUploadsAfterDays;

    /// <summary>Uses <paramref name="client"/> (not disposed by this store) for the bucket in <paramref name="options"/>.</summary>
    public S3ObjectStore(IMinioClient client, S3Options options) : this(client, options, ownsClient: false)
    {
    }

    private S3ObjectStore(IMinioClient client, S3Options options, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _ownsClient = ownsClient;
        Bucket = StorageNames.ValidateBucket(options.Bucket, nameof(options));
        _spoolDirectory = string.IsNullOrEmpty(options.SpoolDirectory) ? null : Path.GetFullPath(options.SpoolDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AbortIncompleteUploadsAfterDays, 1, nameof(options));
        _abortUploadsAfterDays = options.AbortIncompleteUploadsAfterDays;
        if (ownsClient)
        {
            // Only a store built from options knows the endpoint and credentials to sign its own lifecycle requests.
            var (host, port, ssl) = ParseEndpoint(options.Endpoint, options.UseSsl);
            _lifecycleHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            _lifecycle = new S3BucketLifecycle(_lifecycleHttp, new UriBuilder(ssl ? "https" : "http", host, port, "/").Uri, Bucket,
                string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region, options.AccessKey, options.SecretKey);
        }
    }

    /// <summary>Builds a Minio client from <paramref name="options"/> (endpoint, SSL, region, credentials); the store owns it.</summary>
    public static S3ObjectStore Create(S3Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        StorageNames.ValidateBucket(options.Bucket, nameof(options));
        var (host, port, ssl) = ParseEndpoint(options.Endpoint, options.UseSsl);
        var client = new MinioClient()
            .WithEndpoint(host, port)
            .WithSSL(ssl)
            .WithCredentials(options.AccessKey, options.SecretKey);
        if (!string.IsNullOrWhiteSpace(options.Region)) client = client.WithRegion(options.Region);
        return new S3ObjectStore(client.Build(), options, ownsClient: true);
    }

    public string Bucket { get; }

    /// <summary>
    /// Creates the bucket when it does not exist, and gives it the rule that aborts multipart uploads left incomplete
    /// for <see cref="S3Options.AbortIncompleteUploadsAfterDays"/> days when the bucket is new or has no lifecycle
    /// configuration at all (an operator's own configuration is left as it is).
    /// </summary>
    /// <returns>Whether the bucket was created, and the days after which it aborts incomplete uploads: null when no rule
    /// does (the operator's configuration has none, the server has no lifecycle support, this store was given a client
    /// and so cannot sign its own requests, or the lifecycle could not be read or set, as <c>LifecycleProblem</c> says;
    /// credentials without lifecycle permissions must not stop a service from starting).</returns>
    public async Task<BucketSetup> EnsureBucketAsync(CancellationToken ct = default)
    {
        var created = false;
        if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), ct).ConfigureAwait(false))
        {
            try
            {
                await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(Bucket), ct).ConfigureAwait(false);
                created = true;
            }
            catch (Minio.Exceptions.MinioException)
            {
                // Another process may have created it first; anything else is a real failure.
                if (!await ExistsAfterRaceAsync(ct).ConfigureAwait(false)) throw;
            }
        }
        if (_lifecycle is null) return new BucketSetup(created, null, "the store was given a Minio client; S3ObjectStore.Create signs lifecycle requests");

        // Parts of a killed upload are invisible to listing, so no sweep can find them; only the server can expire them.
        try
        {
            var configuration = created ? null : await _lifecycle.GetAsync(ct).ConfigureAwait(false);
            if (configuration is not null) return new BucketSetup(created, S3BucketLifecycle.AbortDays(configuration), null);
            return await _lifecycle.PutAbortRuleAsync(_abortUploadsAfterDays, ct).ConfigureAwait(false)
                ? new BucketSetup(created, _abortUploadsAfterDays, null)
                : new BucketSetup(created, null, "the S3 server has no lifecycle support");
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new BucketSetup(created, null, ex.Message);
        }
    }

    /// <summary>Days after which the bucket's lifecycle aborts incomplete multipart uploads, or null when no rule does.</summary>
    public async Task<int?> AbortIncompleteUploadsAfterDaysAsync(CancellationToken ct = default)
    {
        if (_lifecycle is null)
            throw new InvalidOperationException("This store was given a Minio client; build it with S3ObjectStore.Create to read the bucket lifecycle");
        return S3BucketLifecycle.AbortDays(await _lifecycle.GetAsync(ct).ConfigureAwait(false));
    }

    public Task<ObjectRef> PutAsync(string key, Stream content, CancellationToken ct = default)
    {
        ObjectKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        return PutCoreAsync(key, content, ct);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default)
    {
        ObjectKey.Validate(key);
        return OpenReadCoreAsync(key, ct);
    }

    public Task<ObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        ObjectKey.Validate(key);
        return StatCoreAsync(key, ct);
    }

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct = default)
    {
        StorageNames.ValidatePrefix(prefix);
        return ListCoreAsync(prefix, ct);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken ct = default)
    {
        ObjectKey.Validate(key);
        return DeleteCoreAsync(key, ct);
    }

    public Task<ObjectRef> CopyAsync(string sourceKey, string destinationKey, CancellationToken ct = default)
    {
        ObjectKey.Validate(sourceKey, nameof(sourceKey));
        ObjectKey.Validate(destinationKey, nameof(destinationKey));
        return CopyCoreAsync(sourceKey, destinationKey, ct);
    }

    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
        _lifecycleHttp?.Dispose();
    }

    private async Task<ObjectRef> PutCoreAsync(string key, Stream content, CancellationToken ct)
    {
        var spoolDirectory = _spoolDirectory ?? ScratchSpace.Folder();
        Directory.CreateDirectory(spoolDirectory);
        var spoolPath = Path.Join(spoolDirectory, $"refinery-s3-{Guid.NewGuid():N}.spool");
        var spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            HashingCopy.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan | FileOptions.DeleteOnClose);
        await using (spool.ConfigureAwait(false))
        {
            var (sha256, length) = await HashingCopy.CopyAsync(content, spool, ct).ConfigureAwait(false);
            spool.Position = 0;
            var args = new PutObjectArgs()
                .WithBucket(Bucket)
                .WithObject(key)
                .WithStreamData(spool)
                .WithObjectSize(length)
                .WithContentType(ContentType)
                .WithHeaders(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [Sha256Header] = sha256 });
            await Call(key, () => _client.PutObjectAsync(args, ct)).ConfigureAwait(false);
            return new ObjectRef { Bucket = Bucket, Key = key, Sha256 = sha256, Length = length };
        }
    }

    private async Task<Stream> OpenReadCoreAsync(string key, CancellationToken ct)
    {
        // Minio hands the body to a callback; the callback copies it into a bounded pipe that the caller reads,
        // so the object is never held in memory. The reader sees the end only after Minio has finished cleanly,
        // and any failure (also one after the last byte) as an exception from Read.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipePauseBytes, resumeWriterThreshold: PipePauseBytes / 2,
            minimumSegmentSize: PipeSegmentBytes, useSynchronizationContext: false));
        var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var args = new GetObjectArgs()
            .WithBucket(Bucket)
            .WithObject(key)
            .WithCallbackStream(async (body, token) =>
            {
                started.TrySetResult();
                await body.CopyToAsync(pipe.Writer, token).ConfigureAwait(false);
            });

        var download = Task.Run(async () =>
        {
            try
            {
                await Call(key, () => _client.GetObjectAsync(args, cancel.Token)).ConfigureAwait(false);
                started.TrySetResult(); // an empty object may not reach the callback
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                started.TrySetException(ex);
                await pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            }
        }, CancellationToken.None);

        try
        {
            await started.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            await cancel.CancelAsync().ConfigureAwait(false);
            _ = download.ContinueWith(_ => cancel.Dispose(), TaskScheduler.Default);
            throw;
        }
        return new PipeReadStream(pipe.Reader, cancel, download);
    }

    private async Task<ObjectInfo?> StatCoreAsync(string key, CancellationToken ct)
    {
        var stat = await TryStatAsync(key, ct).ConfigureAwait(false);
        return stat is null ? null : new ObjectInfo(key, stat.Size, Sha256Of(stat), ToUtc(stat.LastModified));
    }

    private async IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var args = new ListObjectsArgs().WithBucket(Bucket).WithPrefix(prefix).WithRecursive(true);
        var items = _client.ListObjectsEnumAsync(args, ct).GetAsyncEnumerator(ct);
        await using (items.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await items.MoveNextAsync().ConfigureAwait(false);
                }
                catch (MinioBucketNotFound ex)
                {
                    throw MissingBucket(ex);
                }
                if (!more) yield break;
                var item = items.Current;
                if (item.IsDir || !item.Key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                yield return new ObjectInfo(item.Key, checked((long)item.Size), null, LastModifiedOf(item));
            }
        }
    }

    private async Task<bool> DeleteCoreAsync(string key, CancellationToken ct)
    {
        // S3 answers a delete of a missing key with success, so ask first.
        if (await TryStatAsync(key, ct).ConfigureAwait(false) is null) return false;
        await Call(key, () => _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(key), ct))
            .ConfigureAwait(false);
        return true;
    }

    private async Task<ObjectRef> CopyCoreAsync(string sourceKey, string destinationKey, CancellationToken ct)
    {
        var source = await TryStatAsync(sourceKey, ct).ConfigureAwait(false) ?? throw new ObjectNotFoundException(sourceKey);
        var sha256 = Sha256Of(source);
        if (sha256 is not null && sourceKey == destinationKey)
            return new ObjectRef { Bucket = Bucket, Key = destinationKey, Sha256 = sha256, Length = source.Size };

        var replaceMetadata = false;
        if (sha256 is null)
        {
            // Not written by this store: hash it once and store the hash on the copy.
            await using var input = await OpenReadCoreAsync(sourceKey, ct).ConfigureAwait(false);
            (sha256, _) = await HashingCopy.HashAsync(input, ct).ConfigureAwait(false);
            replaceMetadata = true;
        }

        // Copy exactly the version stat described (If-Match on its ETag), so the returned sha256 is the copy's.
        var conditions = new CopyConditions();
        if (!string.IsNullOrEmpty(source.ETag)) conditions.SetMatchETag(source.ETag);
        var args = new CopyObjectArgs()
            .WithBucket(Bucket)
            .WithObject(destinationKey)
            .WithCopyObjectSource(new CopySourceObjectArgs().WithBucket(Bucket).WithObject(sourceKey).WithCopyConditions(conditions));
        if (replaceMetadata)
            args = args.WithReplaceMetadataDirective(true)
                .WithHeaders(new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [Sha256Header] = sha256,
                    ["Content-Type"] = string.IsNullOrEmpty(source.ContentType) ? ContentType : source.ContentType,
                });
        await Call(sourceKey, () => _client.CopyObjectAsync(args, ct)).ConfigureAwait(false);
        return new ObjectRef { Bucket = Bucket, Key = destinationKey, Sha256 = sha256, Length = source.Size };
    }

    private async Task<ObjectStat?> TryStatAsync(string key, CancellationToken ct)
    {
        try
        {
            return await Call(key, () => _client.StatObjectAsync(new StatObjectArgs().WithBucket(Bucket).WithObject(key), ct))
                .ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Runs a Minio call, mapping its not-found exceptions to the store's.</summary>
    private async Task<T> Call<T>(string key, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (MinioObjectNotFound)
        {
            throw new ObjectNotFoundException(key);
        }
        catch (MinioBucketNotFound ex)
        {
            throw MissingBucket(ex);
        }
    }

    private Task Call(string key, Func<Task> call) => Call(key, async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    private async Task<bool> ExistsAfterRaceAsync(CancellationToken ct)
    {
        try
        {
            return await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), ct).ConfigureAwait(false);
        }
        catch (Minio.Exceptions.MinioException)
        {
            return false;
        }
    }

    private InvalidOperationException MissingBucket(Exception inner) =>
        new($"S3 bucket '{Bucket}' does not exist; create it (S3ObjectStore.EnsureBucketAsync, or deploy/local/infra.sh up)", inner);

    private static string? Sha256Of(ObjectStat stat)
    {
        if (stat.MetaData is null) return null;
        foreach (var (name, value) in stat.MetaData)
            if (string.Equals(name, Sha256MetadataName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, Sha256Header, StringComparison.OrdinalIgnoreCase))
                return HashingCopy.NormalizeSha256(value);
        return null;
    }

    private static DateTimeOffset LastModifiedOf(Item item)
    {
        if (item.LastModifiedDateTime is { } time) return ToUtc(time);
        return DateTimeOffset.TryParse(item.LastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : DateTimeOffset.MinValue;
    }

    // Minio 7 returns times as DateTimeKind.Local (or Utc); Unspecified is taken as UTC, which is what S3 sends.
    private static DateTimeOffset ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Unspecified => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => new DateTimeOffset(time.ToUniversalTime()),
    };

    private static (string Host, int Port, bool Ssl) ParseEndpoint(string endpoint, bool useSsl)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
            throw new ArgumentException("S3 endpoint is empty; set Refinery:S3:Endpoint to host:port", nameof(endpoint));
        var hasScheme = endpoint.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(hasScheme ? endpoint : (useSsl ? "https://" : "http://") + endpoint, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.UserInfo))
            throw new ArgumentException($"Invalid S3 endpoint '{endpoint}': expected host:port or http(s)://host:port", nameof(endpoint));
        return (uri.Host, uri.Port, uri.Scheme == "https");
    }

    /// <summary>The read side of a download: ends when the stream is disposed, which also cancels the download.</summary>
    private sealed class PipeReadStream(PipeReader reader, CancellationTokenSource cancel, Task download) : Stream
    {
        private readonly Stream _inner = reader.AsStream();
        private int _disposed;

        public override bool CanRead => _disposed == 0;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(buffer, cancellationToken);

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
            _inner.CopyToAsync(destination, bufferSize, cancellationToken);

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _inner.Dispose(); // completes the reader: a writer blocked on a full pipe returns
                if (!download.IsCompleted) cancel.Cancel();
                download.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Dispose(), cancel,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            base.Dispose(disposing);
        }
    }
}
