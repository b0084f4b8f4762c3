using System.Net.Http.Headers;
using System.Text;
using Minio;
using Minio.DataModel.Args;

namespace Refinery.TestSupport;

/// <summary>The real RabbitMQ, PostgreSQL and S3 server that deploy/local/infra.sh starts (its env.sh exports the
/// REFINERY_TEST_* variables). A test that needs one and does not find it fails: it never skips silently.</summary>
public static class TestInfrastructure
{
    public static string RabbitMq => Require("REFINERY_TEST_RABBITMQ");
    public static string RabbitMqManagement => Require("REFINERY_TEST_RABBITMQ_MANAGEMENT");
    public static string Postgres => Require("REFINERY_TEST_POSTGRES");
    public static string S3Endpoint => Require("REFINERY_TEST_S3_ENDPOINT");
    public static string S3AccessKey => Require("REFINERY_TEST_S3_ACCESS_KEY");
    public static string S3SecretKey => Require("REFINERY_TEST_S3_SECRET_KEY");

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: the test infrastructure is not running. Run `deploy/local/infra.sh up` and " +
                "`source /tmp/refinery-infra/env.sh` (./test.sh does both).");

    /// <summary>A fresh RabbitMQ virtual host, so concurrently running test processes never consume each
    /// other's messages on the fixed, service-named queues. Returns the AMQP URI of the vhost.</summary>
    public static async Task<string> CreateRabbitVirtualHostAsync(string prefix)
    {
        var vhost = Unique(prefix, '-');
        var amqp = new Uri(RabbitMq);
        var user = Uri.UnescapeDataString(amqp.UserInfo.Split(':')[0]);
        var password = Uri.UnescapeDataString(amqp.UserInfo.Split(':')[1]);
        using var http = new HttpClient { BaseAddress = new Uri(RabbitMqManagement) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        (await http.PutAsync($"/api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        var permissions = new StringContent("{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}", Encoding.UTF8, "application/json");
        (await http.PutAsync($"/api/permissions/{vhost}/{Uri.EscapeDataString(user)}", permissions)).EnsureSuccessStatusCode();
        return new UriBuilder(amqp) { Path = "/" + vhost }.Uri.ToString();
    }

    /// <summary>A fresh PostgreSQL database (created from the configured one's server), so test runs never
    /// see each other's rows. Returns its connection string.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync(string prefix)
    {
        var name = Unique(prefix, '_').Replace('-', '_');
        var admin = ReplaceDatabase(Postgres, "postgres");
        await using var connection = new Npgsql.NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        await command.ExecuteNonQueryAsync();
        return ReplaceDatabase(Postgres, name);
    }

    /// <summary>A fresh bucket on the S3 server.</summary>
    public static async Task<string> CreateS3BucketAsync(string prefix)
    {
        var bucket = Unique(prefix, '-');
        var client = new MinioClient().WithEndpoint(S3Endpoint).WithCredentials(S3AccessKey, S3SecretKey).Build();
        await client.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        return bucket;
    }

    /// <summary>prefix + separator + 24 random hex characters, lower-case: valid as vhost, database and bucket name.</summary>
    private static string Unique(string prefix, char separator) =>
        $"{prefix.ToLowerInvariant()}{separator}{Guid.NewGuid():N}"[..(prefix.Length + 25)];

    private static string ReplaceDatabase(string connectionString, string database) =>
        string.Join(';', connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.TrimStart().StartsWith("Database=", StringComparison.OrdinalIgnoreCase))
            .Append($"Database={database}"));
}
