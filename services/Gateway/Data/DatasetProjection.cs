using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Curation;
using Refinery.Gateway.Domain;
using Refinery.Hosting.Data;

namespace Refinery.Gateway.Data;

/// <summary>Applies <see cref="DatasetVersionCreated"/> and <see cref="DatasetVersionFailed"/> to the dataset versions
/// read model, and to the request each names (its <c>RequestId</c>), which the gateway records when it sends it. A version is immutable once created, so a failure never overwrites a done row (it may come from a
/// repeated request racing the first), and a later success replaces a failure (the request was repeated and finished).</summary>
public sealed class DatasetProjection(GatewayDbContext db, TimeProvider clock)
{
    private const int MaxErrorLength = 4000;

    public async Task CreatedAsync(DatasetVersionCreated e, CancellationToken ct)
    {
        await VersionCreatedAsync(e, ct);
        if (e.RequestId is { } id)
        {
            // A request is answered once: a late failure of the same request (a redelivered fault) cannot undo this.
            await db.DatasetRequests.Where(r => r.Id == id && r.Dataset == e.Dataset).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Stage, DatasetRequestStages.Done)
                .SetProperty(r => r.Version, e.Version)
                .SetProperty(r => r.ManifestKey, e.Manifest.Key)
                .SetProperty(r => r.ManifestSha256, e.Manifest.Sha256)
                .SetProperty(r => r.ManifestLength, e.Manifest.Length)
                .SetProperty(r => r.Error, (string?)null)
                .SetProperty(r => r.UpdatedAt, Now()), ct);
        }
    }

    private Task VersionCreatedAsync(DatasetVersionCreated e, CancellationToken ct)
    {
        var row = new DatasetVersionView
        {
            Dataset = e.Dataset, Version = e.Version, Stage = DatasetVersionStages.Done, ManifestKey = e.Manifest.Key,
            ManifestSha256 = e.Manifest.Sha256, ManifestLength = e.Manifest.Length, Documents = e.Documents, KeptDocuments = e.KeptDocuments,
            Tokens = e.Tokens, ValidationTokens = e.ValidationTokens, UpdatedAt = Now(),
        };
        return db.UpsertAsync(row, c => db.DatasetVersions.Where(v => v.Dataset == row.Dataset && v.Version == row.Version).ExecuteUpdateAsync(s => s
            .SetProperty(v => v.Stage, DatasetVersionStages.Done)
            .SetProperty(v => v.ManifestKey, row.ManifestKey)
            .SetProperty(v => v.ManifestSha256, row.ManifestSha256)
            .SetProperty(v => v.ManifestLength, row.ManifestLength)
            .SetProperty(v => v.Documents, row.Documents)
            .SetProperty(v => v.KeptDocuments, row.KeptDocuments)
            .SetProperty(v => v.Tokens, row.Tokens)
            .SetProperty(v => v.ValidationTokens, row.ValidationTokens)
            .SetProperty(v => v.Error, (string?)null)
            .SetProperty(v => v.UpdatedAt, row.UpdatedAt), c), ct);
    }

    /// <summary>A version's step failed for good, or a request was refused before its version had a name (no version:
    /// only the request fails).</summary>
    public async Task FailedAsync(DatasetVersionFailed e, CancellationToken ct)
    {
        var version = e.Version.Length > 0 ? e.Version : null;
        if (version is not null) await VersionFailedAsync(e, ct);
        if (e.RequestId is { } id) await RequestFailedAsync(id, version, e.Reason, ct);
    }

    /// <summary>Records a request before its command is sent, so no answer can overtake it.</summary>
    public Task RequestedAsync(Guid id, string dataset, string kind, CancellationToken ct)
    {
        var now = Now();
        db.DatasetRequests.Add(new DatasetRequestView { Id = id, Dataset = dataset, Kind = kind, Stage = DatasetRequestStages.Requested, CreatedAt = now, UpdatedAt = now });
        return db.SaveChangesAsync(ct);
    }

    /// <summary>A request that will not be answered with a version: its command was not sent, the service refused it, or
    /// a step of its version failed for good. Only a request still requested fails; one done stays done.</summary>
    public Task RequestFailedAsync(Guid id, string? version, string reason, CancellationToken ct)
    {
        if (reason.Length > MaxErrorLength) reason = reason[..MaxErrorLength];
        return db.DatasetRequests.Where(r => r.Id == id && r.Stage == DatasetRequestStages.Requested).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Stage, DatasetRequestStages.Failed)
            .SetProperty(r => r.Version, version)
            .SetProperty(r => r.Error, reason)
            .SetProperty(r => r.UpdatedAt, Now()), ct);
    }

    public Task<DatasetRequestView?> FindRequestAsync(string dataset, Guid id, CancellationToken ct) =>
        db.DatasetRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.Dataset == dataset, ct);

    private Task VersionFailedAsync(DatasetVersionFailed e, CancellationToken ct)
    {
        var reason = e.Reason.Length > MaxErrorLength ? e.Reason[..MaxErrorLength] : e.Reason;
        var row = new DatasetVersionView { Dataset = e.Dataset, Version = e.Version, Stage = DatasetVersionStages.Failed, Error = reason, UpdatedAt = Now() };
        return db.UpsertAsync(row, async c =>
        {
            var matching = db.DatasetVersions.Where(v => v.Dataset == row.Dataset && v.Version == row.Version);
            if (await matching.AnyAsync(v => v.Stage == DatasetVersionStages.Done, c)) return 1; // a version once created stays created
            return await matching.ExecuteUpdateAsync(s => s
                .SetProperty(v => v.Stage, DatasetVersionStages.Failed)
                .SetProperty(v => v.Error, reason)
                .SetProperty(v => v.UpdatedAt, row.UpdatedAt), c);
        }, ct);
    }

    public Task<List<DatasetVersionView>> ListAsync(string dataset, CancellationToken ct) =>
        db.DatasetVersions.AsNoTracking().Where(v => v.Dataset == dataset).OrderBy(v => v.UpdatedAt).ThenBy(v => v.Version).ToListAsync(ct);

    public Task<DatasetVersionView?> FindAsync(string dataset, string version, CancellationToken ct) =>
        db.DatasetVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Dataset == dataset && v.Version == version, ct);

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
