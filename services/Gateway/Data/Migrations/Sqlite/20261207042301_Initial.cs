using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "corpora",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SourceCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ShardCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Read = table.Column<long>(type: "INTEGER", nullable: false),
                    Accepted = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<long>(type: "INTEGER", nullable: false),
                    InvalidUtf8Replaced = table.Column<long>(type: "INTEGER", nullable: false),
                    RejectedByReasonJson = table.Column<string>(type: "TEXT", nullable: false),
                    LanguagesJson = table.Column<string>(type: "TEXT", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_corpora", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "corpus_shards",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Shard = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    DocumentCount = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_corpus_shards", x => new { x.CorpusId, x.Shard });
                });

            migrationBuilder.CreateTable(
                name: "dataset_versions",
                columns: table => new
                {
                    Dataset = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ManifestKey = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    ManifestSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ManifestLength = table.Column<long>(type: "INTEGER", nullable: false),
                    Documents = table.Column<long>(type: "INTEGER", nullable: false),
                    KeptDocuments = table.Column<long>(type: "INTEGER", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    ValidationTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dataset_versions", x => new { x.Dataset, x.Version });
                });

            migrationBuilder.CreateTable(
                name: "dedups",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Config = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Corpus = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    ClustersKey = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    ClustersSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClustersLength = table.Column<long>(type: "INTEGER", nullable: false),
                    Documents = table.Column<long>(type: "INTEGER", nullable: false),
                    ClusteredDocuments = table.Column<long>(type: "INTEGER", nullable: false),
                    ClusterCount = table.Column<long>(type: "INTEGER", nullable: false),
                    Removed = table.Column<long>(type: "INTEGER", nullable: false),
                    ExactDuplicates = table.Column<long>(type: "INTEGER", nullable: false),
                    EarlierCorpusDuplicates = table.Column<long>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dedups", x => new { x.CorpusId, x.Config });
                });

            migrationBuilder.CreateIndex(
                name: "IX_corpora_CreatedAt",
                table: "corpora",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_corpora_Name",
                table: "corpora",
                column: "Name");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "corpora");

            migrationBuilder.DropTable(
                name: "corpus_shards");

            migrationBuilder.DropTable(
                name: "dataset_versions");

            migrationBuilder.DropTable(
                name: "dedups");
        }
    }
}
