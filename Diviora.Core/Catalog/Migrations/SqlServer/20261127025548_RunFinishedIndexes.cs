using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Diviora.Core.Catalog.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RunFinishedIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_runs_FinishedAt",
                table: "runs",
                column: "FinishedAt");

            migrationBuilder.CreateIndex(
                name: "IX_runs_Status_FinishedAt",
                table: "runs",
                columns: new[] { "Status", "FinishedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_FinishedAt",
                table: "runs");

            migrationBuilder.DropIndex(
                name: "IX_runs_Status_FinishedAt",
                table: "runs");
        }
    }
}
