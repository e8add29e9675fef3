using Diviora.Core.Catalog;

namespace Diviora.Api.GraphQl;

/// <summary>
/// The GraphQL names of one dataset: its row type, its page type, the query field that reads it, and one field per
/// column, keyed by the column's name.
/// </summary>
internal sealed record DatasetGraphNames(string TypeName, string PageTypeName, string FieldName, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>The suffix of a dataset's page type: <c>Sales_2024</c> rows come in a <c>Sales_2024Page</c>.</summary>
    public const string PageSuffix = "Page";

    /// <summary>Type names the schema uses for itself; a dataset named like one gets <c>_2</c>.</summary>
    public static readonly IReadOnlySet<string> ReservedTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Query", "Mutation", "Subscription", "Dataset", "Column", "Run", "Reject",
        "String", "Int", "Float", "Boolean", "ID", "Long", "Decimal", "Date", "DateTime",
    };

    /// <summary>The query fields that are not datasets.</summary>
    public static readonly IReadOnlySet<string> ReservedFields = new HashSet<string>(StringComparer.Ordinal) { "datasets", "dataset", "runs", "run" };

    /// <summary>
    /// Names every dataset that has columns (a dataset gets its schema with its first successful run). Datasets are
    /// named oldest first, so adding one never renames another.
    /// </summary>
    public static IReadOnlyDictionary<int, DatasetGraphNames> Choose(IEnumerable<Dataset> datasets)
    {
        var types = new HashSet<string>(ReservedTypes, StringComparer.Ordinal);
        var queryFields = new HashSet<string>(ReservedFields, StringComparer.Ordinal);
        var names = new Dictionary<int, DatasetGraphNames>();
        foreach (var dataset in datasets.Where(d => d.Columns.Count > 0).OrderBy(d => d.Id))
        {
            var type = GraphQlNames.Claim(types, GraphQlNames.TypeName(dataset.Name), PageSuffix);
            var field = GraphQlNames.Claim(queryFields, GraphQlNames.FieldName(dataset.Name));
            var used = new HashSet<string>(StringComparer.Ordinal);
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var column in dataset.Columns.OrderBy(c => c.Ordinal))
            {
                fields[column.Name] = GraphQlNames.Claim(used, GraphQlNames.Sanitize(column.Name));
            }

            names[dataset.Id] = new DatasetGraphNames(type, type + PageSuffix, field, fields);
        }

        return names;
    }
}
