using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "gateway");

            migrationBuilder.CreateTable(
                name: "corpora",
                schema: "gateway",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SourceCount = table.Column<int>(type: "integer", nullable: false),
                    ShardCount = table.Column<int>(type: "integer", nullable: false),
                    Read = table.Column<long>(type: "bigint", nullable: false),
                    Accepted = table.Column<long>(type: "bigint", nullable: false),
                    Rejected = table.Column<long>(type: "bigint", nullable: false),
                    InvalidUtf8Replaced = table.Column<long>(type: "bigint", nullable: false),
                    RejectedByReasonJson = table.Column<string>(type: "text", nullable: false),
                    LanguagesJson = table.Column<string>(type: "text", nullable: false),
                    Error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_corpora", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "corpus_shards",
                schema: "gateway",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "uuid", nullable: false),
                    Shard = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    Sha256 = table.Column<string>(type: "text", nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    DocumentCount = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_corpus_shards", x => new { x.CorpusId, x.Shard });
                });

            migrationBuilder.CreateTable(
                name: "dataset_versions",
                schema: "gateway",
                columns: table => new
                {
                    Dataset = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ManifestKey = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    ManifestSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ManifestLength = table.Column<long>(type: "bigint", nullable: false),
                    Documents = table.Column<long>(type: "bigint", nullable: false),
                    KeptDocuments = table.Column<long>(type: "bigint", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    ValidationTokens = table.Column<long>(type: "bigint", nullable: false),
                    Error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dataset_versions", x => new { x.Dataset, x.Version });
                });

            migrationBuilder.CreateTable(
                name: "dedups",
                schema: "gateway",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "uuid", nullable: false),
                    Config = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Corpus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    ClustersKey = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    ClustersSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ClustersLength = table.Column<long>(type: "bigint", nullable: false),
                    Documents = table.Column<long>(type: "bigint", nullable: false),
                    ClusteredDocuments = table.Column<long>(type: "bigint", nullable: false),
                    ClusterCount = table.Column<long>(type: "bigint", nullable: false),
                    Removed = table.Column<long>(type: "bigint", nullable: false),
                    ExactDuplicates = table.Column<long>(type: "bigint", nullable: false),
                    EarlierCorpusDuplicates = table.Column<long>(type: "bigint", nullable: false),
                    Error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dedups", x => new { x.CorpusId, x.Config });
                });

            migrationBuilder.CreateIndex(
                name: "IX_corpora_CreatedAt",
                schema: "gateway",
                table: "corpora",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_corpora_Name",
                schema: "gateway",
                table: "corpora",
                column: "Name");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "corpora",
                schema: "gateway");

            migrationBuilder.DropTable(
                name: "corpus_shards",
                schema: "gateway");

            migrationBuilder.DropTable(
                name: "dataset_versions",
                schema: "gateway");

            migrationBuilder.DropTable(
                name: "dedups",
                schema: "gateway");
        }
    }
}
