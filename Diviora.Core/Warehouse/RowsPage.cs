namespace Diviora.Core.Warehouse;

/// <summary>A page of a dataset's rows: keys are the column names as in the file, values typed per column.</summary>
public sealed record RowsPage(long Total, IReadOnlyList<OrderedDictionary<string, object?>> Rows);
