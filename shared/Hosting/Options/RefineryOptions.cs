using System.ComponentModel.DataAnnotations;

namespace Refinery.Hosting.Options;

public enum BusKind { InMemory, RabbitMq }
public enum DatabaseKind { Sqlite, Postgres }
public enum ObjectStoreKind { FileSystem, S3 }

/// <summary>Which backends this process uses (section Refinery). Unset means the embedded default.</summary>
public sealed class RefineryOptions
{
    public const string SectionName = "Refinery";

    public BusKind Bus { get; set; } = BusKind.InMemory;
    public DatabaseKind Database { get; set; } = DatabaseKind.Sqlite;
    public ObjectStoreKind ObjectStore { get; set; } = ObjectStoreKind.FileSystem;

    /// <summary>Root of everything the embedded default keeps on disk (SQLite files, objects).</summary>
    [Required] public string DataDir { get; set; } = ".refinery";

    /// <summary>Where the process's temporary files go (<see cref="Refinery.Storage.ScratchSpace"/>): a folder per process
    /// under it, swept when its process is gone. Empty means <c>{DataDir}/tmp</c>.</summary>
    public string? TempDir { get; set; }

    /// <summary>Bucket name for both object-store kinds.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9.-]{2,62}$")] public string Bucket { get; set; } = "refinery";

    /// <summary>Concurrent deliveries a CPU-bound consumer may take; 0 means the core count.</summary>
    [Range(0, 256)] public int ConsumerConcurrency { get; set; }

    public int EffectiveConcurrency => ConsumerConcurrency > 0 ? ConsumerConcurrency : Environment.ProcessorCount;
}
