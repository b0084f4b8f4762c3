using Minio;
using Minio.DataModel.Args;
using Xunit;

namespace Refinery.Storage.Tests;

/// <summary>
/// A real S3 server on 127.0.0.1, named by REFINERY_TEST_S3_* variables. Without them every test fails (also
/// outside CI): a skipped integration test must never look like a passed one.
/// </summary>
public sealed class S3StoreFixture : IAsyncLifetime
{
    public const string NotConfigured = "S3 test server not configured; run deploy/local/infra.sh up";

    private readonly S3ObjectStore? _store;
    private readonly IMinioClient? _raw;
    private readonly string? _problem;

    public S3StoreFixture()
    {
        var endpoint = Environment.GetEnvironmentVariable("REFINERY_TEST_S3_ENDPOINT");
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            _problem = $"{NotConfigured} (REFINERY_TEST_S3_ENDPOINT is not set; CI={Environment.GetEnvironmentVariable("CI") ?? "unset"})";
            return;
        }
        Options = new S3Options
        {
            Endpoint = endpoint,
            AccessKey = Environment.GetEnvironmentVariable("REFINERY_TEST_S3_ACCESS_KEY") ?? "",
            SecretKey = Environment.GetEnvironmentVariable("REFINERY_TEST_S3_SECRET_KEY") ?? "",
            Bucket = Environment.GetEnvironmentVariable("REFINERY_TEST_S3_BUCKET") is { Length: > 0 } bucket ? bucket : "refinery",
        };
        _store = S3ObjectStore.Create(Options);
        (Host, Port) = SplitEndpoint(endpoint);
        _raw = new MinioClient().WithEndpoint(Host, Port).WithCredentials(Options.AccessKey, Options.SecretKey)
            .WithSSL(false).WithRegion(Options.Region).Build();
    }

    /// <summary>Unique per run, so reruns and parallel runs never collide; removed at the end.</summary>
    public string RunPrefix { get; } = $"test/{Guid.NewGuid():N}/";

    public S3Options Options { get; } = new();

    public S3ObjectStore Store => _store ?? throw new InvalidOperationException(_problem);

    /// <summary>A plain Minio client, to look at what the store wrote.</summary>
    public IMinioClient Raw => _raw ?? throw new InvalidOperationException(_problem);

    public async Task InitializeAsync()
    {
        if (_store is not null) await _store.EnsureBucketAsync();
    }

    public async Task DisposeAsync()
    {
        if (_store is null) return;
        try
        {
            foreach (var info in await _store.ListAllAsync(RunPrefix)) await _store.DeleteAsync(info.Key);
        }
        finally
        {
            _store.Dispose();
            Raw.Dispose();
        }
    }

    public string Host { get; } = "";
    public int Port { get; }

    private static (string Host, int Port) SplitEndpoint(string endpoint)
    {
        var uri = new Uri(endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "http://" + endpoint);
        return (uri.Host, uri.Port);
    }
}

public sealed class S3ObjectStoreTests(S3StoreFixture fixture)
    : ObjectStoreContract(fixture.Store, fixture.RunPrefix), IClassFixture<S3StoreFixture>
{
    [Fact]
    public async Task Sha256_is_object_metadata_and_large_objects_go_up_in_parts()
    {
        // Watch the HTTP requests Minio sends (its own tracing hook does not fire in 7.0.0).
        var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        using var client = new MinioClient().WithEndpoint(fixture.Host, fixture.Port)
            .WithCredentials(fixture.Options.AccessKey, fixture.Options.SecretKey).WithSSL(false)
            .WithRegion(fixture.Options.Region).WithHttpClient(http).Build();
        var store = new S3ObjectStore(client, fixture.Options);

        var large = await store.PutAsync(P + "large.bin", new MemoryStream(TestData.Large));

        // 20 MiB with a known size: initiate, two 16 MiB-or-less parts, complete.
        Assert.Single(recorder.Requests, r => r.Method == HttpMethod.Post && r.Query.Contains("uploads"));
        Assert.Equal(2, recorder.Requests.Count(r => r.Method == HttpMethod.Put && r.Query.Contains("partNumber=")));
        var stat = await fixture.Raw.StatObjectAsync(new StatObjectArgs().WithBucket(Store.Bucket).WithObject(P + "large.bin"));
        Assert.Equal(large.Sha256, stat.MetaData.First(m => m.Key.Equals("sha256", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Equal(TestData.LargeSize, stat.Size);

        recorder.Requests.Clear();
        var small = await store.PutAsync(P + "small.bin", new MemoryStream(TestData.Bytes(1 << 20, seed: 31)));

        Assert.DoesNotContain(recorder.Requests, r => r.Query.Contains("uploadId"));
        stat = await fixture.Raw.StatObjectAsync(new StatObjectArgs().WithBucket(Store.Bucket).WithObject(P + "small.bin"));
        Assert.Equal(small.Sha256, stat.MetaData.First(m => m.Key.Equals("sha256", StringComparison.OrdinalIgnoreCase)).Value);
    }

    [Fact]
    public async Task Objects_written_by_other_tools_have_no_sha256_until_copied()
    {
        var bytes = TestData.Bytes(3000, seed: 30);
        await fixture.Raw.PutObjectAsync(new PutObjectArgs().WithBucket(Store.Bucket).WithObject(P + "foreign")
            .WithStreamData(new MemoryStream(bytes)).WithObjectSize(bytes.Length));

        var stat = await Store.StatAsync(P + "foreign");
        Assert.NotNull(stat);
        Assert.Null(stat.Sha256);
        Assert.Equal(bytes.Length, stat.Length);

        var copy = await Store.CopyAsync(P + "foreign", P + "copied");
        Assert.Equal(TestData.Sha256(bytes), copy.Sha256);
        Assert.Equal(copy.Sha256, (await Store.StatAsync(P + "copied"))?.Sha256);
        Assert.Equal(bytes, await Store.GetAsync(P + "copied"));

        var self = await Store.CopyAsync(P + "foreign", P + "foreign"); // stores the hash in place
        Assert.Equal(copy.Sha256, self.Sha256);
        Assert.Equal(copy.Sha256, (await Store.StatAsync(P + "foreign"))?.Sha256);
    }

    [Fact]
    public async Task A_missing_bucket_is_an_error_until_EnsureBucket_creates_it()
    {
        var options = new S3Options
        {
            Endpoint = fixture.Options.Endpoint,
            AccessKey = fixture.Options.AccessKey,
            SecretKey = fixture.Options.SecretKey,
            Bucket = $"refinery-missing-{Guid.NewGuid():N}"[..40],
        };
        using var store = S3ObjectStore.Create(options);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.StatAsync("a"));
        Assert.Contains(options.Bucket, ex.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenReadAsync("a"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ListAllAsync(""));

        await store.EnsureBucketAsync();
        try
        {
            await store.EnsureBucketAsync(); // idempotent
            Assert.Null(await store.StatAsync("a"));
            await store.PutBytesAsync("a", [1]);
            Assert.Equal([1], await store.GetAsync("a"));
            Assert.True(await store.DeleteAsync("a"));
        }
        finally
        {
            await fixture.Raw.RemoveBucketAsync(new RemoveBucketArgs().WithBucket(options.Bucket));
        }
    }
}

/// <summary>The bucket's lifecycle rule for incomplete multipart uploads, on the S3 test server.</summary>
public sealed class S3BucketLifecycleTests(S3StoreFixture fixture) : IClassFixture<S3StoreFixture>
{
    [Fact]
    public async Task A_bucket_the_store_creates_aborts_incomplete_uploads_after_the_configured_days()
    {
        var options = NewBucketOptions(abortAfterDays: 2);
        using var store = S3ObjectStore.Create(options);
        try
        {
            var setup = await store.EnsureBucketAsync();
            Assert.Equal(new BucketSetup(Created: true, AbortIncompleteUploadsAfterDays: 2, LifecycleProblem: null), setup);

            // Read back twice: through the store's own signed request (which sees the days) and through Minio.
            Assert.Equal(2, await store.AbortIncompleteUploadsAfterDaysAsync());
            var configuration = await fixture.Raw.GetBucketLifecycleAsync(new GetBucketLifecycleArgs().WithBucket(options.Bucket));
            var rule = Assert.Single(configuration.Rules);
            Assert.Equal(S3BucketLifecycle.AbortRuleId, rule.ID);
            Assert.Equal("Enabled", rule.Status);
            Assert.NotNull(rule.AbortIncompleteMultipartUploadObject);
        }
        finally
        {
            await fixture.Raw.RemoveBucketAsync(new RemoveBucketArgs().WithBucket(options.Bucket));
        }
    }

    [Fact]
    public async Task An_existing_bucket_without_lifecycle_gets_the_rule_and_a_second_start_keeps_it()
    {
        var options = NewBucketOptions(abortAfterDays: 1);
        await fixture.Raw.MakeBucketAsync(new MakeBucketArgs().WithBucket(options.Bucket));
        using var store = S3ObjectStore.Create(options);
        try
        {
            Assert.Null(await store.AbortIncompleteUploadsAfterDaysAsync());
            Assert.Equal(new BucketSetup(false, 1, null), await store.EnsureBucketAsync());
            Assert.Equal(new BucketSetup(false, 1, null), await store.EnsureBucketAsync());
            Assert.Equal(1, await store.AbortIncompleteUploadsAfterDaysAsync());
        }
        finally
        {
            await fixture.Raw.RemoveBucketAsync(new RemoveBucketArgs().WithBucket(options.Bucket));
        }
    }

    /// <summary>An HTTP listener on a port nobody holds: the system names a free one, and a port taken between that
    /// and the listener's start (other tests and servers share the machine) is passed over for another.</summary>
    private static (System.Net.HttpListener Listener, int Port) ListenOnAFreePort()
    {
        for (var attempt = 1; ; attempt++)
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            probe.Start();
            var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new System.Net.HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (System.Net.HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    [Fact]
    public async Task Credentials_the_server_refuses_for_lifecycle_do_not_stop_EnsureBucket()
    {
        // An endpoint answering every lifecycle request with 403, as S3 does for credentials without that permission.
        var (listener, port) = ListenOnAFreePort();
        using var _ = listener;
        var serve = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                System.Net.HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (Exception ex) when (ex is System.Net.HttpListenerException or ObjectDisposedException) { return; }
                // HEAD bucket (exists) succeeds; the lifecycle GET is refused.
                context.Response.StatusCode = context.Request.Url!.Query.Contains("lifecycle", StringComparison.Ordinal) ? 403 : 200;
                context.Response.Close();
            }
        });
        using var store = S3ObjectStore.Create(new S3Options { Endpoint = $"127.0.0.1:{port}", AccessKey = "a", SecretKey = "b", Bucket = "refused" });

        var setup = await store.EnsureBucketAsync();

        Assert.False(setup.Created);
        Assert.Null(setup.AbortIncompleteUploadsAfterDays);
        Assert.Contains("403", setup.LifecycleProblem);
        listener.Stop();
        await serve;
    }

    private S3Options NewBucketOptions(int abortAfterDays) => new()
    {
        Endpoint = fixture.Options.Endpoint,
        AccessKey = fixture.Options.AccessKey,
        SecretKey = fixture.Options.SecretKey,
        Bucket = $"refinery-lc-{Guid.NewGuid():N}"[..40],
        AbortIncompleteUploadsAfterDays = abortAfterDays,
    };
}

/// <summary>Signature V4 and lifecycle parsing; need no server.</summary>
public sealed class S3SignatureTests
{
    [Fact]
    public void Authorize_matches_the_AWS_documented_GetObject_example()
    {
        // The "GET Object" example of AWS's Signature Version 4 header-based authentication documentation.
        var headers = new Dictionary<string, string>
        {
            ["Host"] = "examplebucket.s3.amazonaws.com",
            ["Range"] = "bytes=0-9",
            ["x-amz-content-sha256"] = S3Signature.EmptyPayloadSha256,
            ["x-amz-date"] = "20130524T000000Z",
        };
        var authorization = S3Signature.Authorize("GET", "/test.txt", "", headers, S3Signature.EmptyPayloadSha256,
            new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero), "us-east-1",
            "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                     + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                     + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", authorization);
    }

    [Theory]
    [InlineData("<Rule><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>", 3)]
    [InlineData("<Rule><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>", null)]
    [InlineData("<Rule><Filter/><Status>Disabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>", null)]
    [InlineData("<Rule><Filter/><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>", null)]
    public void AbortDays_counts_only_enabled_whole_bucket_abort_rules(string rules, int? expected) =>
        Assert.Equal(expected, S3BucketLifecycle.AbortDays(System.Xml.Linq.XDocument.Parse(
            $"<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{rules}</LifecycleConfiguration>")));
}

/// <summary>Client construction; needs no server.</summary>
public sealed class S3ObjectStoreCreateTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9000")]
    [InlineData("127.0.0.1:9000")]
    [InlineData("localhost")]
    public void Create_accepts_host_port_or_url(string endpoint)
    {
        using var store = S3ObjectStore.Create(new S3Options { Endpoint = endpoint, AccessKey = "a", SecretKey = "b" });
        Assert.Equal("refinery", store.Bucket);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://host:21")]
    [InlineData("http://host:9000/path")]
    public void Create_rejects_bad_endpoints(string endpoint)
    {
        Assert.Throws<ArgumentException>(() => S3ObjectStore.Create(new S3Options { Endpoint = endpoint, AccessKey = "a", SecretKey = "b" }));
    }

    [Fact]
    public void Create_rejects_bad_bucket_names()
    {
        Assert.Throws<ArgumentException>(() => S3ObjectStore.Create(new S3Options { Bucket = "Bad_Bucket", AccessKey = "a", SecretKey = "b" }));
    }
}

internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public List<(HttpMethod Method, string Query)> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests) Requests.Add((request.Method, request.RequestUri?.Query ?? ""));
        return base.SendAsync(request, cancellationToken);
    }
}
