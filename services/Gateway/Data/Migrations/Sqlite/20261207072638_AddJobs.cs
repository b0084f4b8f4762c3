using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    Service = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Job = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Step = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Done = table.Column<int>(type: "INTEGER", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    WaitingFor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CorpusId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => new { x.Service, x.Job });
                });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_RequestId",
                table: "jobs",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_UpdatedAt",
                table: "jobs",
                column: "UpdatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "jobs");
        }
    }
}
