using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Ingestion.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddLastRunFailure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "corpora",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastFailedStep",
                table: "corpora",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastError",
                table: "corpora");

            migrationBuilder.DropColumn(
                name: "LastFailedStep",
                table: "corpora");
        }
    }
}
