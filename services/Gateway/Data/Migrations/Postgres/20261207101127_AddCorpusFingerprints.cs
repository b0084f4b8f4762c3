using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddCorpusFingerprints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Fingerprint",
                schema: "gateway",
                table: "corpora",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Fingerprint",
                schema: "gateway",
                table: "corpora");
        }
    }
}
