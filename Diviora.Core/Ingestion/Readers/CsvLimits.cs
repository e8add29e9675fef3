namespace Diviora.Core.Ingestion.Readers;

/// <summary>Bounds that keep one malformed or hostile delimited file from exhausting memory.</summary>
/// <param name="MaxRowChars">The most characters one row may span, line breaks inside quotes included; <see cref="int.MaxValue"/> turns the check off.</param>
/// <param name="MaxColumns">The most columns the header (or first row) may have.</param>
public sealed record CsvLimits(int MaxRowChars = 8 * 1024 * 1024, int MaxColumns = 1000)
{
    /// <summary>The limits used when none are given.</summary>
    public static CsvLimits Default { get; } = new();

    /// <summary>For a pass over a payload whose rows an earlier pass has already checked.</summary>
    public static CsvLimits RowsChecked { get; } = new(MaxRowChars: int.MaxValue);
}
