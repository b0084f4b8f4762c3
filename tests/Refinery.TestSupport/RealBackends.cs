namespace Refinery.TestSupport;

/// <summary>Fresh, isolated backends on the real servers: a RabbitMQ virtual host, a PostgreSQL database and
/// an S3 bucket of its own, so runs never see each other's messages, rows or objects.</summary>
public sealed class RealBackends
{
    public required string RabbitMq { get; init; }
    public required string Postgres { get; init; }
    public required string Bucket { get; init; }

    public static async Task<RealBackends> CreateAsync(string prefix) => new()
    {
        RabbitMq = await TestInfrastructure.CreateRabbitVirtualHostAsync(prefix),
        Postgres = await TestInfrastructure.CreatePostgresDatabaseAsync(prefix),
        Bucket = await TestInfrastructure.CreateS3BucketAsync(prefix),
    };

    /// <summary>The configuration a distributed process gets (the same keys docker-compose sets).</summary>
    public Dictionary<string, string?> Configuration(string dataDir) => new()
    {
        ["Refinery:Bus"] = "RabbitMq",
        ["Refinery:Database"] = "Postgres",
        ["Refinery:ObjectStore"] = "S3",
        ["Refinery:DataDir"] = dataDir,
        ["Refinery:Bucket"] = Bucket,
        ["ConnectionStrings:RabbitMq"] = RabbitMq,
        ["ConnectionStrings:Postgres"] = Postgres,
        ["Refinery:S3:Endpoint"] = TestInfrastructure.S3Endpoint,
        ["Refinery:S3:AccessKey"] = TestInfrastructure.S3AccessKey,
        ["Refinery:S3:SecretKey"] = TestInfrastructure.S3SecretKey,
        ["Refinery:S3:Bucket"] = Bucket,
        ["Refinery:Ingestion:JobPollInterval"] = "00:00:00.200",
        ["Refinery:ApiKeys:0:Key"] = "integration-writer-key",
        ["Refinery:ApiKeys:0:Role"] = "writer",
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["urls"] = "http://127.0.0.1:0",
    };
}
