using Diviora.Core.Ingestion.Schema;

namespace Diviora.Core.Catalog;

/// <summary>One column of a dataset: the name users see and the physical name the warehouse uses.</summary>
public sealed class DatasetColumn
{
    public int Id { get; set; }

    public int DatasetId { get; set; }

    /// <summary>Zero-based position in the dataset, which is the order of the first file's header.</summary>
    public int Ordinal { get; set; }

    /// <summary>The header text exactly as it appeared in the file (for example <c>Contact Phone Number</c>).</summary>
    public required string Name { get; set; }

    /// <summary>A generated identifier matching <see cref="Warehouse.SqlIdentifier"/>'s pattern; headers never reach SQL.</summary>
    public required string PhysicalName { get; set; }

    public ColumnType Type { get; set; }

    public bool Nullable { get; set; }

    /// <summary>For a decimal column, the most digits a loaded value has; null for other types.</summary>
    public int? Precision { get; set; }

    /// <summary>For a decimal column, the most digits after the point a loaded value has.</summary>
    public int? Scale { get; set; }

    /// <summary>For a date or timestamp column read from <c>03/04/2024</c>-style text, which number is the day.</summary>
    public DateOrder DateOrder { get; set; }
}
