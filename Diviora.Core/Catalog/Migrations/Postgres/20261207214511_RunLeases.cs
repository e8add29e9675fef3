using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Diviora.Core.Catalog.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RunLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MessageId",
                table: "runs",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "runs",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "QueuedAt",
                table: "runs",
                type: "timestamp with time zone",
                nullable: true);

            // Runs from before: their wait for the sweep is measured from when they were written.
            migrationBuilder.Sql(@"UPDATE ""runs"" SET ""QueuedAt"" = ""CreatedAt"";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MessageId",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Notes",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "QueuedAt",
                table: "runs");
        }
    }
}
