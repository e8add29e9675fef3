using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Query;
using Diviora.Core.Warehouse;
using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.GraphQl;

/// <summary>
/// A dataset's own types and query field: <c>sales_2024(filter, orderBy, offset, limit, cursor, count):
/// Sales_2024Page</c>, a page of <c>Sales_2024</c> rows with one field per column, read through
/// <see cref="DatasetQueries.ReadAsync"/>. Only the columns selected under <c>rows</c> are read.
/// </summary>
internal static class DatasetRowsField
{
    private const int DefaultLimit = 100;

    public static void AddTo(ObjectGraphType query, Dataset dataset, DatasetGraphNames names, IWarehouse warehouse, DatasetQueries queries)
    {
        var columns = dataset.Columns.OrderBy(c => c.Ordinal).ToList();
        var byField = columns.ToDictionary(c => names.Fields[c.Name], StringComparer.Ordinal);
        var rowType = new ObjectGraphType<OrderedDictionary<string, object?>>
        {
            Name = names.TypeName,
            Description = $"A row of dataset '{dataset.Name}'.",
        };
        foreach (var column in columns)
        {
            rowType.Field(names.Fields[column.Name], GraphType(column.Type))
                .Description($"Column '{column.Name}' ({Describe(column.Type)}).")
                .Resolve(c => Value(c.Source, column.Name));
        }

        var pageType = new ObjectGraphType<RowsPage>
        {
            Name = names.PageTypeName,
            Description = $"A page of the rows of dataset '{dataset.Name}'.",
        };
        pageType.Field<LongGraphType>("total")
            .Description("How many rows the query matches: always known without a filter, with one only when count is true.")
            .Resolve(c => c.Source.Total);
        pageType.Field<StringGraphType>("nextCursor")
            .Description("Pass as cursor to read the next page; null on the last page.")
            .Resolve(c => c.Source.NextCursor);
        pageType.Field("rows", new NonNullGraphType(new ListGraphType(new NonNullGraphType(rowType))))
            .Resolve(c => c.Source.Rows);

        var id = dataset.Id;
        query.Field(names.FieldName, pageType)
            .Description($"A page of the rows of dataset '{dataset.Name}'. filter and orderBy name columns as in the file, not as GraphQL fields.")
            .Argument<StringGraphType>("filter", "An expression such as: country eq 'DE' and amount gt 100.")
            .Argument<StringGraphType>("orderBy", "Columns to order by, each optionally desc: amount desc,id. Without it rows come in load order.")
            .Argument<IntGraphType>("offset", "Rows to skip.", a => a.DefaultValue = 0)
            .Argument<IntGraphType>("limit", $"Rows to answer, 1-{DatasetQueries.MaxLimit}.", a => a.DefaultValue = DefaultLimit)
            .Argument<StringGraphType>("cursor", "The nextCursor of the previous page, for deep pages; not with offset.")
            .Argument<BooleanGraphType>("count", "Count the rows a filter matches (total).", a => a.DefaultValue = false)
            .ResolveAsync(async c =>
            {
                await using var catalog = warehouse.CreateCatalog();
                var current = await catalog.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, c.CancellationToken);
                if (current is null)
                {
                    return null;
                }

                var request = new RowsRequest
                {
                    Filter = c.GetArgument<string?>("filter"),
                    OrderBy = c.GetArgument<string?>("orderBy"),
                    Select = Select(c.FieldAst.SelectionSet, c.Document, byField, columns[0]),
                    Offset = c.GetArgument("offset", 0),
                    Limit = c.GetArgument("limit", DefaultLimit),
                    Cursor = c.GetArgument<string?>("cursor"),
                    Count = c.GetArgument("count", false),
                };
                try
                {
                    return await queries.ReadAsync(current, request, c.CancellationToken);
                }
                catch (QueryException e)
                {
                    throw GraphQlErrors.InvalidQuery(e);
                }
            });
    }

    /// <summary>
    /// The <c>select</c> for the columns a page's selection asks for under <c>rows</c> (through fragments too), with
    /// their names as in the file; the first column alone when it asks for none, so a count reads next to nothing.
    /// </summary>
    internal static string Select(GraphQLSelectionSet? page, GraphQLDocument document, Dictionary<string, DatasetColumn> byField, DatasetColumn first)
    {
        var selected = new HashSet<DatasetColumn>();
        foreach (var rows in Fields(page, document))
        {
            if (rows.Name.StringValue != "rows")
            {
                continue;
            }

            foreach (var field in Fields(rows.SelectionSet, document))
            {
                if (byField.TryGetValue(field.Name.StringValue, out var column))
                {
                    selected.Add(column);
                }
            }
        }

        return GraphQlNames.SelectList(selected.Count == 0 ? [first.Name] : selected.OrderBy(c => c.Ordinal).Select(c => c.Name));
    }

    /// <summary>The fields of a selection set, with fragments flattened (validation has already refused fragment cycles).</summary>
    private static IEnumerable<GraphQLField> Fields(GraphQLSelectionSet? selectionSet, GraphQLDocument document)
    {
        foreach (var selection in selectionSet?.Selections ?? [])
        {
            var nested = selection switch
            {
                GraphQLField field => [field],
                GraphQLInlineFragment inline => Fields(inline.SelectionSet, document),
                GraphQLFragmentSpread spread => Fields(
                    document.Definitions.OfType<GraphQLFragmentDefinition>().FirstOrDefault(d => d.FragmentName.Name.StringValue == spread.FragmentName.Name.StringValue)?.SelectionSet,
                    document),
                _ => [],
            };
            foreach (var field in nested)
            {
                yield return field;
            }
        }
    }

    /// <summary>
    /// The scalar of a column type. Dates are the <c>Date</c> scalar (<c>yyyy-MM-dd</c>); timestamps stay
    /// <c>String</c>s holding the ISO 8601 text the rows API answers, so no offset or precision is lost in a round trip.
    /// </summary>
    private static Type GraphType(ColumnType type) => type switch
    {
        ColumnType.Boolean => typeof(BooleanGraphType),
        ColumnType.Integer => typeof(LongGraphType),
        ColumnType.Decimal => typeof(DecimalGraphType),
        ColumnType.Double => typeof(FloatGraphType),
        ColumnType.Date => typeof(DateGraphType),
        _ => typeof(StringGraphType),
    };

    private static string Describe(ColumnType type) => type switch
    {
        ColumnType.Timestamp => "timestamp: ISO 8601 date and time without offset",
        ColumnType.TimestampTz => "timestamptz: ISO 8601 date and time with its UTC offset",
        _ => ColumnValues.Name(type),
    };

    /// <summary>The value of a column in a row; doubles come as their JSON text from the query layer and go out as Floats.</summary>
    private static object? Value(OrderedDictionary<string, object?> row, string column) =>
        row.TryGetValue(column, out var value) && value is JsonElement { ValueKind: JsonValueKind.Number } number ? number.GetDouble() : value;
}
