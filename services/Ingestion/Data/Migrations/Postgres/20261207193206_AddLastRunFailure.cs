using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Ingestion.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddLastRunFailure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastError",
                schema: "ingestion",
                table: "corpora",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastFailedStep",
                schema: "ingestion",
                table: "corpora",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastError",
                schema: "ingestion",
                table: "corpora");

            migrationBuilder.DropColumn(
                name: "LastFailedStep",
                schema: "ingestion",
                table: "corpora");
        }
    }
}
