using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Diviora.Core.Catalog.Migrations
{
    /// <inheritdoc />
    public partial class RunTimingsAndDateOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "InferMilliseconds",
                table: "runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LoadMilliseconds",
                table: "runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "StageMilliseconds",
                table: "runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DateOrder",
                table: "dataset_columns",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "InferMilliseconds",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "LoadMilliseconds",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "StageMilliseconds",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "DateOrder",
                table: "dataset_columns");
        }
    }
}
