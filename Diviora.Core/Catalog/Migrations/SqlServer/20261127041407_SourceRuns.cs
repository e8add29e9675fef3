using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Diviora.Core.Catalog.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SourceRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Cursor",
                table: "sources",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Cursor",
                table: "runs",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FetchMilliseconds",
                table: "runs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Mapping",
                table: "runs",
                type: "nvarchar(max)",
                maxLength: 65536,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SourceId",
                table: "runs",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceName",
                table: "runs",
                type: "nvarchar(63)",
                maxLength: 63,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_runs_SourceId_CreatedAt",
                table: "runs",
                columns: new[] { "SourceId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_SourceId_CreatedAt",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Cursor",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "Cursor",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "FetchMilliseconds",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Mapping",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "SourceId",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "SourceName",
                table: "runs");
        }
    }
}
