using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Signals.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "signals");

            migrationBuilder.CreateTable(
                name: "shards",
                schema: "signals",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "uuid", nullable: false),
                    Shard = table.Column<int>(type: "integer", nullable: false),
                    Config = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Corpus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    DocumentsSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Documents = table.Column<int>(type: "integer", nullable: false),
                    Quarantined = table.Column<int>(type: "integer", nullable: false),
                    ResourcesJson = table.Column<string>(type: "text", nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ElapsedMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shards", x => new { x.CorpusId, x.Shard, x.Config });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shards",
                schema: "signals");
        }
    }
}
