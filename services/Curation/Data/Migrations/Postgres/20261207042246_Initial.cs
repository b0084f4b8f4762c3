using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Curation.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "curation");

            migrationBuilder.CreateTable(
                name: "parts",
                schema: "curation",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Part = table.Column<int>(type: "integer", nullable: false),
                    StatsJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parts", x => new { x.JobId, x.Part });
                });

            migrationBuilder.CreateTable(
                name: "rankings",
                schema: "curation",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    Round = table.Column<int>(type: "integer", nullable: false),
                    Part = table.Column<int>(type: "integer", nullable: false),
                    FilesJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rankings", x => new { x.JobId, x.Round, x.Part });
                });

            migrationBuilder.CreateTable(
                name: "versions",
                schema: "curation",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Dataset = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PartsJson = table.Column<string>(type: "text", nullable: false),
                    ClustersJson = table.Column<string>(type: "text", nullable: false),
                    QuantilesJson = table.Column<string>(type: "text", nullable: false),
                    RecipeName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    RecipeText = table.Column<string>(type: "text", nullable: false),
                    RecipeSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Tokenizer = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ValidationFraction = table.Column<double>(type: "double precision", nullable: false),
                    SignalsConfig = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "text", nullable: true),
                    ManifestKey = table.Column<string>(type: "text", nullable: true),
                    ManifestSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ManifestLength = table.Column<long>(type: "bigint", nullable: false),
                    Documents = table.Column<long>(type: "bigint", nullable: false),
                    KeptDocuments = table.Column<long>(type: "bigint", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    ValidationTokens = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_versions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_versions_Dataset_Version",
                schema: "curation",
                table: "versions",
                columns: new[] { "Dataset", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "parts",
                schema: "curation");

            migrationBuilder.DropTable(
                name: "rankings",
                schema: "curation");

            migrationBuilder.DropTable(
                name: "versions",
                schema: "curation");
        }
    }
}
