using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Ingestion.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "ingestion");

            migrationBuilder.CreateTable(
                name: "corpora",
                schema: "ingestion",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CommandJson = table.Column<string>(type: "text", nullable: false),
                    Generation = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LeaseOwner = table.Column<string>(type: "text", nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Read = table.Column<long>(type: "bigint", nullable: false),
                    Accepted = table.Column<long>(type: "bigint", nullable: false),
                    Rejected = table.Column<long>(type: "bigint", nullable: false),
                    InvalidUtf8Replaced = table.Column<long>(type: "bigint", nullable: false),
                    ShardCount = table.Column<int>(type: "integer", nullable: false),
                    LanguagesJson = table.Column<string>(type: "text", nullable: false),
                    RejectedByReasonJson = table.Column<string>(type: "text", nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_corpora", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shards",
                schema: "ingestion",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "uuid", nullable: false),
                    Shard = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Sha256 = table.Column<string>(type: "text", nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    DocumentCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shards", x => new { x.CorpusId, x.Shard });
                });

            migrationBuilder.CreateTable(
                name: "sources",
                schema: "ingestion",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Accepted = table.Column<long>(type: "bigint", nullable: false),
                    Rejected = table.Column<long>(type: "bigint", nullable: false),
                    InvalidUtf8Replaced = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sources", x => new { x.CorpusId, x.Key });
                });

            migrationBuilder.CreateIndex(
                name: "IX_corpora_Name",
                schema: "ingestion",
                table: "corpora",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_corpora_Stage_UpdatedAt",
                schema: "ingestion",
                table: "corpora",
                columns: new[] { "Stage", "UpdatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "corpora",
                schema: "ingestion");

            migrationBuilder.DropTable(
                name: "shards",
                schema: "ingestion");

            migrationBuilder.DropTable(
                name: "sources",
                schema: "ingestion");
        }
    }
}
