using Diviora.Core.Catalog;
using Diviora.Core.Warehouse;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.GraphQl;

/// <summary><c>Dataset</c>: a dataset's schema, size and latest runs.</summary>
internal sealed class DatasetGraphType : ObjectGraphType<Dataset>
{
    public DatasetGraphType(IWarehouse warehouse, IReadOnlyDictionary<int, DatasetGraphNames> names, ColumnGraphType columnType, RunGraphType runType)
    {
        Name = "Dataset";
        Description = "A named, typed table of rows that runs load into.";
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<LongGraphType>>("rowCount").Resolve(c => c.Source.RowCount);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<DateTimeGraphType>("updatedAt").Description("When a run last loaded rows; null before the first.").Resolve(c => c.Source.UpdatedAt);
        Field("columns", new NonNullGraphType(new ListGraphType(new NonNullGraphType(columnType))))
            .Description("The columns in file order; empty until the first successful run.")
            .Resolve(c => c.Source.Columns.OrderBy(column => column.Ordinal).ToList());
        Field<StringGraphType>("field")
            .Description("The query field that reads the dataset's rows; null until the dataset has columns.")
            .Resolve(c => names.TryGetValue(c.Source.Id, out var dataset) ? dataset.FieldName : null);
        Field("runs", new NonNullGraphType(new ListGraphType(new NonNullGraphType(runType))))
            .Description("The dataset's latest runs, newest first.")
            .Argument<IntGraphType>("limit", $"Runs to answer, 1-{RunGraphType.MaxLimit}.", a => a.DefaultValue = 20)
            .ResolveAsync(async c =>
            {
                var limit = GraphQlErrors.Limit(c.GetArgument("limit", 20), RunGraphType.MaxLimit);
                var id = c.Source.Id;
                await using var catalog = warehouse.CreateCatalog();
                return await catalog.Runs.AsNoTracking().IgnoreAutoIncludes().Include(r => r.Dataset)
                    .Where(r => r.DatasetId == id)
                    .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
                    .Take(limit)
                    .ToListAsync(c.CancellationToken);
            });
    }
}
