using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddCorpusFailedStepAndSignalShards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FailedStep",
                schema: "gateway",
                table: "corpora",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "corpus_signal_shards",
                schema: "gateway",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "uuid", nullable: false),
                    Config = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Shard = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DocumentCount = table.Column<int>(type: "integer", nullable: false),
                    FailedStep = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_corpus_signal_shards", x => new { x.CorpusId, x.Config, x.Shard });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "corpus_signal_shards",
                schema: "gateway");

            migrationBuilder.DropColumn(
                name: "FailedStep",
                schema: "gateway",
                table: "corpora");
        }
    }
}
