using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddTrainingJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "training_jobs",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Request = table.Column<string>(type: "TEXT", nullable: true),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TotalSteps = table.Column<int>(type: "INTEGER", nullable: false),
                    TotalTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Parameters = table.Column<long>(type: "INTEGER", nullable: false),
                    ResumedFromStep = table.Column<int>(type: "INTEGER", nullable: false),
                    Step = table.Column<int>(type: "INTEGER", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Loss = table.Column<double>(type: "REAL", nullable: true),
                    BitsPerByte = table.Column<double>(type: "REAL", nullable: true),
                    LearningRate = table.Column<double>(type: "REAL", nullable: true),
                    GradientNorm = table.Column<double>(type: "REAL", nullable: true),
                    TokensPerSecond = table.Column<double>(type: "REAL", nullable: true),
                    EtaSeconds = table.Column<double>(type: "REAL", nullable: true),
                    ProgressAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ValidationLoss = table.Column<double>(type: "REAL", nullable: true),
                    ValidationBitsPerByte = table.Column<double>(type: "REAL", nullable: true),
                    ValidationStep = table.Column<int>(type: "INTEGER", nullable: true),
                    FailedStep = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CancelledStep = table.Column<int>(type: "INTEGER", nullable: true),
                    Checkpoint = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    ModelFolder = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    WeightsKey = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    WeightsSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    WeightsLength = table.Column<long>(type: "INTEGER", nullable: false),
                    LineageKey = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    LineageSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LineageLength = table.Column<long>(type: "INTEGER", nullable: false),
                    Tokenizer = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    FinalLoss = table.Column<double>(type: "REAL", nullable: true),
                    Seconds = table.Column<double>(type: "REAL", nullable: true),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_training_jobs", x => x.JobId);
                });

            migrationBuilder.CreateTable(
                name: "training_points",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Step = table.Column<int>(type: "INTEGER", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Loss = table.Column<double>(type: "REAL", nullable: true),
                    BitsPerByte = table.Column<double>(type: "REAL", nullable: true),
                    ValidationLoss = table.Column<double>(type: "REAL", nullable: true),
                    ValidationBitsPerByte = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_training_points", x => new { x.JobId, x.Step });
                });

            migrationBuilder.CreateIndex(
                name: "IX_training_jobs_CreatedAt",
                table: "training_jobs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_training_jobs_RequestId",
                table: "training_jobs",
                column: "RequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "training_jobs");

            migrationBuilder.DropTable(
                name: "training_points");
        }
    }
}
