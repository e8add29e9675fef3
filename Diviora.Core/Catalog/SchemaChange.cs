namespace Diviora.Core.Catalog;

/// <summary>One change a run made to a dataset's schema: the first columns, an added column, a widened type.</summary>
public sealed class SchemaChange
{
    public long Id { get; set; }

    public int DatasetId { get; set; }

    /// <summary>The run whose file made the change.</summary>
    public Guid RunId { get; set; }

    public DateTime At { get; set; }

    /// <summary><c>created</c>, <c>added</c>, <c>widened</c> or <c>nullable</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>The column the change is about, as users name it.</summary>
    public required string Column { get; set; }

    /// <summary>The change in words: <c>integer to decimal</c>.</summary>
    public required string Description { get; set; }
}
