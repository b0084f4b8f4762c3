using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Dedup.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "dedup");

            migrationBuilder.CreateTable(
                name: "exact_index",
                schema: "dedup",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Partition = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    Keys = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_exact_index", x => new { x.Kind, x.Partition });
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                schema: "dedup",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CorpusId = table.Column<Guid>(type: "uuid", nullable: false),
                    Corpus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Config = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    Exact = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    FalsePositiveRate = table.Column<double>(type: "double precision", nullable: false),
                    ExactKey = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Keep = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Verify = table.Column<bool>(type: "boolean", nullable: false),
                    Partitions = table.Column<int>(type: "integer", nullable: false),
                    ShardsJson = table.Column<string>(type: "text", nullable: false),
                    DocumentsJson = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ClustersKey = table.Column<string>(type: "text", nullable: true),
                    ClustersSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ClustersLength = table.Column<long>(type: "bigint", nullable: false),
                    Documents = table.Column<long>(type: "bigint", nullable: false),
                    ClusteredDocuments = table.Column<long>(type: "bigint", nullable: false),
                    ClusterCount = table.Column<long>(type: "bigint", nullable: false),
                    Removed = table.Column<long>(type: "bigint", nullable: false),
                    ExactDuplicates = table.Column<long>(type: "bigint", nullable: false),
                    EarlierCorpusDuplicates = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "partitions",
                schema: "dedup",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Partition = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    Edges = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_partitions", x => new { x.JobId, x.Partition });
                });

            migrationBuilder.CreateTable(
                name: "shards",
                schema: "dedup",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Shard = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    Documents = table.Column<long>(type: "bigint", nullable: false),
                    ShinglesKey = table.Column<string>(type: "text", nullable: true),
                    ShinglesSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ShinglesLength = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shards", x => new { x.JobId, x.Shard });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "exact_index",
                schema: "dedup");

            migrationBuilder.DropTable(
                name: "jobs",
                schema: "dedup");

            migrationBuilder.DropTable(
                name: "partitions",
                schema: "dedup");

            migrationBuilder.DropTable(
                name: "shards",
                schema: "dedup");
        }
    }
}
