using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Dedup.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "exact_index",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Partition = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Keys = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_exact_index", x => new { x.Kind, x.Partition });
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CorpusId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Corpus = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Config = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    Exact = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    FalsePositiveRate = table.Column<double>(type: "REAL", nullable: false),
                    ExactKey = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Keep = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Verify = table.Column<bool>(type: "INTEGER", nullable: false),
                    Partitions = table.Column<int>(type: "INTEGER", nullable: false),
                    ShardsJson = table.Column<string>(type: "TEXT", nullable: false),
                    DocumentsJson = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ClustersKey = table.Column<string>(type: "TEXT", nullable: true),
                    ClustersSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClustersLength = table.Column<long>(type: "INTEGER", nullable: false),
                    Documents = table.Column<long>(type: "INTEGER", nullable: false),
                    ClusteredDocuments = table.Column<long>(type: "INTEGER", nullable: false),
                    ClusterCount = table.Column<long>(type: "INTEGER", nullable: false),
                    Removed = table.Column<long>(type: "INTEGER", nullable: false),
                    ExactDuplicates = table.Column<long>(type: "INTEGER", nullable: false),
                    EarlierCorpusDuplicates = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "partitions",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Partition = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Edges = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_partitions", x => new { x.JobId, x.Partition });
                });

            migrationBuilder.CreateTable(
                name: "shards",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Shard = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Documents = table.Column<long>(type: "INTEGER", nullable: false),
                    ShinglesKey = table.Column<string>(type: "TEXT", nullable: true),
                    ShinglesSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ShinglesLength = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "exact_index");

            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "partitions");

            migrationBuilder.DropTable(
                name: "shards");
        }
    }
}
