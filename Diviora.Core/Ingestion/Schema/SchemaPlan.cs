using Diviora.Core.Catalog;

namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// How a file's columns meet the dataset's schema: the columns after this run (existing, widened, added), where
/// each file column loads, and the changes to record. A new file column is added as nullable, a column the file
/// lacks loads as null, and a value that does not fit widens its column when that is safe (integer to decimal,
/// date to timestamp, anything to text).
/// </summary>
public sealed class SchemaPlan
{
    private SchemaPlan(List<DatasetColumn> columns, int[] targets, List<PlannedChange> changes)
    {
        Columns = columns;
        Targets = targets;
        Changes = changes;
    }

    /// <summary>The dataset's columns once this run commits, in ordinal order.</summary>
    public List<DatasetColumn> Columns { get; }

    /// <summary>For each file column, the index in <see cref="Columns"/> it loads into.</summary>
    public int[] Targets { get; }

    /// <summary>What this run changes in the schema.</summary>
    public List<PlannedChange> Changes { get; }

    /// <summary>Plans a file with <paramref name="fileColumns"/> (names and inferred types) against <paramref name="existing"/>.</summary>
    /// <exception cref="IngestionDataException">A file column takes the name of one of Diviora's own columns.</exception>
    /// <param name="existing">The dataset's columns now.</param>
    /// <param name="fileColumns">The payload's columns with their inferred types.</param>
    /// <param name="fromSource">True for a source's run, whose reader adds <c>_source</c>; an upload may not carry it.</param>
    public static SchemaPlan For(IReadOnlyList<DatasetColumn> existing, IReadOnlyList<InferredColumn> fileColumns, bool fromSource = false)
    {
        var fileNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in fileColumns)
        {
            // _source is the one reserved name a source's run carries: its reader adds it to every row. An upload may not
            // set it, so it cannot pose as a source (and outrank one in a source priority).
            if (Warehouse.SystemColumns.IsReserved(file.Name) && !(fromSource && file.Name == Warehouse.SystemColumns.Source))
            {
                throw new IngestionDataException(
                    $"The file has a column named '{file.Name}', but names starting with '_' are Diviora's own ({Warehouse.SystemColumns.Names}). " +
                    $"Rename it in the file, or in the dataset's settings: {{\"columns\": [{{\"name\": \"{file.Name}\", \"rename\": \"{file.Name.TrimStart('_')}\"}}]}}.");
            }

            if (!fileNames.Add(file.Name))
            {
                throw new IngestionDataException($"Two columns of the file would both be named '{file.Name}'; check the dataset's renames.");
            }
        }

        var columns = existing.OrderBy(c => c.Ordinal).Select(Copy).ToList();
        var changes = new List<PlannedChange>();
        var byName = columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var targets = new int[fileColumns.Count];
        var physical = new HashSet<string>(columns.Select(c => c.PhysicalName), StringComparer.Ordinal);
        var seen = new bool[columns.Count];
        var isFirst = columns.Count == 0;

        for (var f = 0; f < fileColumns.Count; f++)
        {
            var file = fileColumns[f];
            if (byName.TryGetValue(file.Name, out var index))
            {
                seen[index] = true;
                targets[f] = index;
                var column = columns[index];
                // A declared type is a rule: values that do not fit it are rejected, not a reason to widen.
                var incoming = file.Declared ?? (file.HasValues ? file.Type : column.Type);
                if (Widened(column.Type, incoming) is var widened && widened != column.Type && (file.Declared is null || widened == file.Declared))
                {
                    changes.Add(new PlannedChange("widened", column, $"{ColumnValues.Name(column.Type)} to {ColumnValues.Name(widened)}", column.Type));
                    column.Type = widened;
                }

                if (file.DateOrder != DateOrder.None && column.DateOrder != file.DateOrder)
                {
                    // ISO dates read the same in every order, so a column without an order takes the file's; two
                    // different orders cannot share a column without misreading one of them.
                    if (column.DateOrder == DateOrder.None && column.Type is ColumnType.Date or ColumnType.Timestamp)
                    {
                        column.DateOrder = file.DateOrder;
                    }
                    else if (column.Type != ColumnType.Text)
                    {
                        changes.Add(new PlannedChange("widened", column, $"{ColumnValues.Name(column.Type)} to text (dates in another day order)", column.Type));
                        column.Type = ColumnType.Text;
                    }
                }

                if (column.Type == ColumnType.Decimal && file.Decimal is { } shape)
                {
                    var (precision, scale) = (Math.Max(column.Precision ?? 0, shape.Precision), Math.Max(column.Scale ?? 0, shape.Scale));
                    if (column.Precision is { } before && (precision, scale) != (before, column.Scale ?? 0))
                    {
                        changes.Add(new PlannedChange("widened", column, $"decimal({before},{column.Scale}) to decimal({precision},{scale})", column.Type));
                    }

                    (column.Precision, column.Scale) = (precision, scale);
                }
                else if (column.Type != ColumnType.Decimal)
                {
                    // Precision and scale describe decimals only: a decimal widened to text or double has none.
                    (column.Precision, column.Scale) = (null, null);
                }

                if (file.Nullable && !column.Nullable)
                {
                    column.Nullable = true;
                    changes.Add(new PlannedChange("nullable", column, "holds empty values from now on", null));
                }

                continue;
            }

            var added = new DatasetColumn
            {
                Ordinal = columns.Count,
                Name = file.Name,
                PhysicalName = ColumnNaming.Unique(ColumnNaming.PhysicalNames([file.Name])[0], physical),
                Type = file.Declared ?? file.Type,
                DateOrder = file.Declared is null ? file.DateOrder : DateOrder.None,
                Precision = (file.Declared ?? file.Type) == ColumnType.Decimal ? file.Decimal?.Precision : null,
                Scale = (file.Declared ?? file.Type) == ColumnType.Decimal ? file.Decimal?.Scale : null,
                // Rows loaded before this column existed have no value for it.
                Nullable = file.Nullable || !isFirst,
            };
            columns.Add(added);
            targets[f] = columns.Count - 1;
            changes.Add(new PlannedChange(isFirst ? "created" : "added", added, ColumnValues.Name(added.Type), null));
        }

        for (var i = 0; i < seen.Length; i++)
        {
            if (!seen[i] && !columns[i].Nullable)
            {
                columns[i].Nullable = true;
                changes.Add(new PlannedChange("nullable", columns[i], "missing from this file: loaded as null", null));
            }
        }

        return new SchemaPlan(columns, targets, changes);
    }

    /// <summary>The narrowest type both values of <paramref name="existing"/> and of <paramref name="incoming"/> fit.</summary>
    public static ColumnType Widened(ColumnType existing, ColumnType incoming) => (existing, incoming) switch
    {
        _ when existing == incoming => existing,
        (ColumnType.Text, _) => ColumnType.Text,
        (ColumnType.Decimal, ColumnType.Integer) or (ColumnType.Integer, ColumnType.Decimal) => ColumnType.Decimal,
        (ColumnType.Double, ColumnType.Integer or ColumnType.Decimal) or (ColumnType.Integer or ColumnType.Decimal, ColumnType.Double) => ColumnType.Double,
        (ColumnType.Timestamp, ColumnType.Date) or (ColumnType.Date, ColumnType.Timestamp) => ColumnType.Timestamp,
        _ => ColumnType.Text,
    };

    private static DatasetColumn Copy(DatasetColumn c) => new()
    {
        Id = c.Id,
        DatasetId = c.DatasetId,
        Ordinal = c.Ordinal,
        Name = c.Name,
        PhysicalName = c.PhysicalName,
        Type = c.Type,
        Nullable = c.Nullable,
        DateOrder = c.DateOrder,
        Precision = c.Precision,
        Scale = c.Scale,
    };
}

/// <summary>A file column after the inference pass.</summary>
/// <param name="Name">The column name (header text, blank and repeated names resolved).</param>
/// <param name="Type">The narrowest type all its values fit.</param>
/// <param name="Nullable">Whether it holds nulls.</param>
/// <param name="HasValues">Whether it holds any value at all; a column of nulls widens nothing.</param>
/// <param name="Declared">The type the dataset's settings declare for it, if any.</param>
/// <param name="DateOrder">For dates written like <c>03/04/2024</c>, which number is the day.</param>
/// <param name="Decimal">For a decimal column, its precision and scale.</param>
public sealed record InferredColumn(
    string Name, ColumnType Type, bool Nullable, bool HasValues, ColumnType? Declared = null, DateOrder DateOrder = DateOrder.None,
    (int Precision, int Scale)? Decimal = null);

/// <summary>A schema change a run will make.</summary>
/// <param name="Kind"><c>created</c>, <c>added</c>, <c>widened</c> or <c>nullable</c>.</param>
/// <param name="Column">The column after the change.</param>
/// <param name="Description">The change in words.</param>
/// <param name="WidenedFrom">For a widened column, its type before.</param>
public sealed record PlannedChange(string Kind, DatasetColumn Column, string Description, ColumnType? WidenedFrom);
