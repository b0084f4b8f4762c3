using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddCorpusFailedStepAndSignalShards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FailedStep",
                table: "corpora",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "corpus_signal_shards",
                columns: table => new
                {
                    CorpusId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Config = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Shard = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DocumentCount = table.Column<int>(type: "INTEGER", nullable: false),
                    FailedStep = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                name: "corpus_signal_shards");

            migrationBuilder.DropColumn(
                name: "FailedStep",
                table: "corpora");
        }
    }
}
