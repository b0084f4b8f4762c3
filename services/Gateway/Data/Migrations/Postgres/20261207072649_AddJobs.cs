using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "jobs",
                schema: "gateway",
                columns: table => new
                {
                    Service = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Job = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Step = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Done = table.Column<int>(type: "integer", nullable: false),
                    Total = table.Column<int>(type: "integer", nullable: false),
                    WaitingFor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CorpusId = table.Column<Guid>(type: "uuid", nullable: true),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => new { x.Service, x.Job });
                });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_RequestId",
                schema: "gateway",
                table: "jobs",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_UpdatedAt",
                schema: "gateway",
                table: "jobs",
                column: "UpdatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "jobs",
                schema: "gateway");
        }
    }
}
