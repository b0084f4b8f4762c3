using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Ingestion.Data.Migrations.Sqlite
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
                    CommandJson = table.Column<string>(type: "TEXT", nullable: false),
                    Generation = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Read = table.Column<long>(type: "INTEGER", nullable: false),
                    Accepted = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<long>(type: "INTEGER", nullable: false),
                    InvalidUtf8Replaced = table.Column<long>(type: "INTEGER", nullable: false),
                    ShardCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LanguagesJson = table.Column<string>(type: "TEXT", nullable: false),
                    RejectedByReasonJson = table.Column<string>(type: "TEXT", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_corpora", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "shards",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Shard = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    DocumentCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shards", x => new { x.CorpusId, x.Shard });
                });

            migrationBuilder.CreateTable(
                name: "sources",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Accepted = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<long>(type: "INTEGER", nullable: false),
                    InvalidUtf8Replaced = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sources", x => new { x.CorpusId, x.Key });
                });

            migrationBuilder.CreateIndex(
                name: "IX_corpora_Name",
                table: "corpora",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_corpora_Stage_UpdatedAt",
                table: "corpora",
                columns: new[] { "Stage", "UpdatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "corpora");

            migrationBuilder.DropTable(
                name: "shards");

            migrationBuilder.DropTable(
                name: "sources");
        }
    }
}
