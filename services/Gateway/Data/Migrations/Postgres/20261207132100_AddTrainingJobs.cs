using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Refinery.Gateway.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddTrainingJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "training_jobs",
                schema: "gateway",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ModelName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Request = table.Column<string>(type: "text", nullable: true),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: true),
                    TotalSteps = table.Column<int>(type: "integer", nullable: false),
                    TotalTokens = table.Column<long>(type: "bigint", nullable: false),
                    Parameters = table.Column<long>(type: "bigint", nullable: false),
                    ResumedFromStep = table.Column<int>(type: "integer", nullable: false),
                    Step = table.Column<int>(type: "integer", nullable: false),
                    Stage = table.Column<int>(type: "integer", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    Loss = table.Column<double>(type: "double precision", nullable: true),
                    BitsPerByte = table.Column<double>(type: "double precision", nullable: true),
                    LearningRate = table.Column<double>(type: "double precision", nullable: true),
                    GradientNorm = table.Column<double>(type: "double precision", nullable: true),
                    TokensPerSecond = table.Column<double>(type: "double precision", nullable: true),
                    EtaSeconds = table.Column<double>(type: "double precision", nullable: true),
                    ProgressAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ValidationLoss = table.Column<double>(type: "double precision", nullable: true),
                    ValidationBitsPerByte = table.Column<double>(type: "double precision", nullable: true),
                    ValidationStep = table.Column<int>(type: "integer", nullable: true),
                    FailedStep = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CancelledStep = table.Column<int>(type: "integer", nullable: true),
                    Checkpoint = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    ModelFolder = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    WeightsKey = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    WeightsSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    WeightsLength = table.Column<long>(type: "bigint", nullable: false),
                    LineageKey = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    LineageSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LineageLength = table.Column<long>(type: "bigint", nullable: false),
                    Tokenizer = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    FinalLoss = table.Column<double>(type: "double precision", nullable: true),
                    Seconds = table.Column<double>(type: "double precision", nullable: true),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_training_jobs", x => x.JobId);
                });

            migrationBuilder.CreateTable(
                name: "training_points",
                schema: "gateway",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Step = table.Column<int>(type: "integer", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false),
                    Loss = table.Column<double>(type: "double precision", nullable: true),
                    BitsPerByte = table.Column<double>(type: "double precision", nullable: true),
                    ValidationLoss = table.Column<double>(type: "double precision", nullable: true),
                    ValidationBitsPerByte = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_training_points", x => new { x.JobId, x.Step });
                });

            migrationBuilder.CreateIndex(
                name: "IX_training_jobs_CreatedAt",
                schema: "gateway",
                table: "training_jobs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_training_jobs_RequestId",
                schema: "gateway",
                table: "training_jobs",
                column: "RequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "training_jobs",
                schema: "gateway");

            migrationBuilder.DropTable(
                name: "training_points",
                schema: "gateway");
        }
    }
}
