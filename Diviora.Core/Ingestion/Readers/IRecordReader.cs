namespace Diviora.Core.Ingestion.Readers;

/// <summary>
/// Streams the records of one payload, one at a time, as text fields under a header. Every format reader
/// (delimited text, Excel, JSON) speaks this, so inference, validation and loading never see a format.
/// </summary>
/// <remarks>
/// Typed sources give each value in its canonical text form: numbers in invariant culture (<c>12.5</c>),
/// booleans as <c>true</c>/<c>false</c>, dates as ISO 8601 (<c>2024-01-02</c>, <c>2024-01-02T10:11:12</c>).
/// A reader raises <see cref="IngestionDataException"/> for malformed input, naming the row and where it is.
/// </remarks>
public interface IRecordReader : IDisposable
{
    /// <summary>The column names in source order, as written; blank and repeated names are kept as they are.</summary>
    IReadOnlyList<string> Header { get; }

    /// <summary>The one-based number of the current record (a header is not counted).</summary>
    long RowNumber { get; }

    /// <summary>Where the current record is in the source, for messages: <c>line 12</c>, <c>sheet 'Q1' row 13</c>.</summary>
    string Location { get; }

    /// <summary>Moves to the next record.</summary>
    /// <returns>False at the end of the payload.</returns>
    /// <exception cref="IngestionDataException">The record is malformed.</exception>
    bool Read();

    /// <summary>The text of field <paramref name="column"/>; valid until the next call of this indexer or <see cref="Read"/>.</summary>
    ReadOnlySpan<char> this[int column] { get; }

    /// <summary>True when field <paramref name="column"/> holds no value at all (as opposed to an empty string).</summary>
    bool IsNull(int column);
}
