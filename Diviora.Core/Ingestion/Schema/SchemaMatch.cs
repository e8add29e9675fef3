using Diviora.Core.Catalog;

namespace Diviora.Core.Ingestion.Schema;

/// <summary>Lines up a file's columns with the schema an earlier run gave the dataset.</summary>
public static class SchemaMatch
{
    /// <summary>
    /// For each file column, the dataset column it loads into.
    /// </summary>
    /// <exception cref="IngestionDataException">The file's columns are not the dataset's columns.</exception>
    public static DatasetColumn[] Map(string datasetName, IReadOnlyList<DatasetColumn> columns, IReadOnlyList<string> fileColumns)
    {
        var byName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var mapped = new DatasetColumn[fileColumns.Count];
        var unexpected = new List<string>();
        for (var i = 0; i < fileColumns.Count; i++)
        {
            if (byName.Remove(fileColumns[i], out var column))
            {
                mapped[i] = column;
            }
            else
            {
                unexpected.Add(fileColumns[i]);
            }
        }

        if (unexpected.Count == 0 && byName.Count == 0)
        {
            return mapped;
        }

        var problems = new List<string>(2);
        if (byName.Count > 0)
        {
            problems.Add("missing " + Quoted(columns.Where(c => byName.ContainsKey(c.Name)).Select(c => c.Name)));
        }

        if (unexpected.Count > 0)
        {
            problems.Add("not in the dataset " + Quoted(unexpected));
        }

        throw new IngestionDataException(
            $"The file's header does not match dataset '{datasetName}': {string.Join("; ", problems)}. " +
            $"The dataset's columns are {Quoted(columns.Select(c => c.Name))}. Upload a file with these columns, or load it into a new dataset.");
    }

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
