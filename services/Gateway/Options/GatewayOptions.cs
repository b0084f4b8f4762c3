using System.ComponentModel.DataAnnotations;

namespace Refinery.Gateway.Options;

/// <summary>Limits and access switches of the HTTP gateway (section Refinery:Gateway).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Refinery:Gateway";

    /// <summary>Whether every read (GET) needs a key with at least the reader role. Unset, it does once any API key is
    /// configured (a deployment with keys is not meant to be read by anyone), and not without keys (the embedded demo);
    /// false opens reads explicitly.</summary>
    public bool? RequireKeyForReads { get; set; }

    /// <summary>Whether reads need a key, <see cref="RequireKeyForReads"/> resolved.</summary>
    public bool ReadsNeedKey => RequireKeyForReads ?? false;

    /// <summary>When true, requests without a key may write (they act with the writer role). Meant for the embedded
    /// single-process demo, which nobody else can reach; never set it on a shared deployment. A key that is sent
    /// and wrong is still refused.</summary>
    public bool AllowAnonymousWrites { get; set; }

    /// <summary>Refused API keys one client address may present per minute; past it, every request from that address
    /// presenting a key is answered 429 for the rest of the minute.</summary>
    [Range(1, 1_000_000)] public int FailedAuthenticationsPerMinute { get; set; } = 10;

    /// <summary>Largest request body of a corpus upload (all files together), in bytes. Default 10 GiB.</summary>
    [Range(1, long.MaxValue)] public long MaxUploadBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>How long an upload's staged file parts may stay before the storage sweep deletes them: a request that
    /// ended deletes its own, so only a gateway that died mid-upload leaves any. Must exceed the longest upload.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")] public TimeSpan UploadStagingMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a corpus may stay submitted with no event of its run before the same content submitted again
    /// hands it on to the ingestion service again (the gateway that took it may have died before sending it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan SubmissionStalledAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Writes (corpus submissions) one client may make per minute; more get 429 with Retry-After.</summary>
    [Range(1, 1_000_000)] public int WritesPerMinute { get; set; } = 120;

    /// <summary>Events buffered per /api/events subscriber; a slower subscriber loses the oldest ones.</summary>
    [Range(1, 1_000_000)] public int EventBufferPerSubscriber { get; set; } = 1024;

    /// <summary>How often /api/events sends a comment so proxies and clients keep an idle stream open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")] public TimeSpan EventKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Most decompressed bytes the documents preview reads from one shard (bounds memory and time).</summary>
    [Range(1024, long.MaxValue)] public long MaxPreviewBytes { get; set; } = 64L * 1024 * 1024;
}
