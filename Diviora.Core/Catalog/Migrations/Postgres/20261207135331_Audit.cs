using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Diviora.Core.Catalog.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Audit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                table: "sources",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UpdatedBy",
                table: "sources",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StartedBy",
                table: "runs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SettingsUpdatedAt",
                table: "datasets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SettingsUpdatedBy",
                table: "datasets",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CreatedBy",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "UpdatedBy",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "StartedBy",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "SettingsUpdatedAt",
                table: "datasets");

            migrationBuilder.DropColumn(
                name: "SettingsUpdatedBy",
                table: "datasets");
        }
    }
}
