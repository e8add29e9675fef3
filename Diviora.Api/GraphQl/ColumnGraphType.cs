using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;
using GraphQL.Types;

namespace Diviora.Api.GraphQl;

/// <summary><c>Column</c>: one column of a dataset, and the field that reads it.</summary>
internal sealed class ColumnGraphType : ObjectGraphType<DatasetColumn>
{
    public ColumnGraphType(IReadOnlyDictionary<int, DatasetGraphNames> names)
    {
        Name = "Column";
        Description = "One column of a dataset: its name as in the file, its type, and whether it holds empty values.";
        Field<NonNullGraphType<StringGraphType>>("name").Description("The header text exactly as in the file.").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("type")
            .Description("text, boolean, integer, decimal, double, date, timestamp or timestamptz.")
            .Resolve(c => ColumnValues.Name(c.Source.Type));
        Field<NonNullGraphType<BooleanGraphType>>("nullable").Resolve(c => c.Source.Nullable);
        Field<StringGraphType>("field")
            .Description("The GraphQL field that reads this column in the dataset's row type.")
            .Resolve(c => names.TryGetValue(c.Source.DatasetId, out var dataset) ? dataset.Fields.GetValueOrDefault(c.Source.Name) : null);
    }
}
