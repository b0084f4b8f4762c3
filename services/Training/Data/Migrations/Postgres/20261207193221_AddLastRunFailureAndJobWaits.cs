using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Training.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddLastRunFailureAndJobWaits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastError",
                schema: "training",
                table: "jobs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastFailedStep",
                schema: "training",
                table: "jobs",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "job_waits",
                schema: "training",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    BodySha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MessageType = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    WaitingFor = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Since = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Token = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_job_waits", x => new { x.Key, x.BodySha256 });
                });

            migrationBuilder.CreateIndex(
                name: "IX_job_waits_Since",
                schema: "training",
                table: "job_waits",
                column: "Since");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_waits",
                schema: "training");

            migrationBuilder.DropColumn(
                name: "LastError",
                schema: "training",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "LastFailedStep",
                schema: "training",
                table: "jobs");
        }
    }
}
