namespace Refinery.Hosting.Data;

/// <summary>Where a service's database stands against its migrations.</summary>
public enum DatabaseState
{
    /// <summary>Every migration is applied.</summary>
    Current,
    /// <summary>Some migrations (all, for an empty database) are not applied yet.</summary>
    Pending,
    /// <summary>Tables an earlier build created without migrations that match the first migration: it will be recorded
    /// as applied, the rows kept.</summary>
    Adoptable,
    /// <summary>Tables without migration history that do not match the first migration: migrating refuses them.</summary>
    Unadoptable,
}

/// <summary>A service database's applied and pending migrations; <see cref="Differences"/> says why an unversioned
/// schema cannot be adopted.</summary>
public sealed record DatabaseStatus(
    string Schema,
    string Provider,
    DatabaseState State,
    IReadOnlyList<string> Applied,
    IReadOnlyList<string> Pending,
    IReadOnlyList<string> Differences);
