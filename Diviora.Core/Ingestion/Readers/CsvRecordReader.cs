using System.Text;
using nietras.SeparatedValues;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>
/// Streams the records of RFC 4180 delimited text: a header row (or generated names), quoted fields with doubled
/// quotes and line breaks, CRLF or LF, in the encoding given (strict UTF-8 by default; a byte order mark wins).
/// Holds one row at a time.
/// </summary>
/// <remarks>
/// Rows whose field count differs from the header, unterminated quotes, NUL characters and bytes that are not UTF-8
/// raise an <see cref="IngestionDataException"/> naming the row and the line.
/// </remarks>
public sealed class CsvRecordReader : IRecordReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly TextReader _text;
    private readonly SepReader _sep;
    private readonly string[] _header;
    private char[] _unescaped = new char[256];
    private bool _firstRowIsData;

    private CsvRecordReader(TextReader text, SepReader sep, string[] header)
    {
        _text = text;
        _sep = sep;
        _header = header;
    }

    /// <summary>The header row as written in the file; blank and repeated names are kept as they are.</summary>
    public IReadOnlyList<string> Header => _header;

    /// <summary>The one-based number of the current data row (the header is not counted).</summary>
    public long RowNumber { get; private set; }

    /// <summary>The one-based line of the file on which the current row starts.</summary>
    public int LineNumber => _sep.Current.LineNumberFrom;

    /// <inheritdoc />
    public string Location => $"line {LineNumber}";

    /// <summary>
    /// The text of field <paramref name="column"/> of the current row with its quotes removed and doubled quotes
    /// made single; valid until the next call of this indexer or <see cref="Read"/>.
    /// </summary>
    public ReadOnlySpan<char> this[int column]
    {
        get
        {
            // Per RFC 4180 only a field that starts with a quote is quoted; elsewhere a quote is a plain character.
            var raw = _sep.Current[column].Span;
            return raw.Length > 0 && raw[0] == '"' ? Unescape(raw) : raw;
        }
    }

    /// <summary>
    /// True when field <paramref name="column"/> is empty and unquoted: a null. A quoted empty field (<c>""</c>) is an
    /// empty string, as PostgreSQL's COPY reads CSV.
    /// </summary>
    public bool IsNull(int column) => _sep.Current[column].Span.IsEmpty;

    /// <summary>Opens <paramref name="stream"/> and reads its header row.</summary>
    /// <param name="stream">The payload.</param>
    /// <param name="separator">The field delimiter.</param>
    /// <param name="encoding">The text encoding when the payload has no byte order mark; strict UTF-8 when null.</param>
    /// <param name="hasHeader">False when the first row is data; columns are then named <c>column_1</c>, <c>column_2</c>, ...</param>
    /// <exception cref="IngestionDataException">The stream holds no rows or is not delimited text.</exception>
    /// <param name="limits">Bounds on row length and column count; <see cref="CsvLimits.Default"/> when null.</param>
    /// <param name="leaveOpen">False to dispose <paramref name="stream"/> with the reader.</param>
    public static CsvRecordReader Open(
        Stream stream, char separator = ',', Encoding? encoding = null, bool hasHeader = true, CsvLimits? limits = null, bool leaveOpen = true)
    {
        limits ??= CsvLimits.Default;
        TextReader text = new StreamReader(stream, encoding ?? StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen);
        if (limits.MaxRowChars < int.MaxValue)
        {
            text = new RowLengthGuard(text, limits.MaxRowChars);
        }

        SepReader? sep = null;
        try
        {
            sep = Sep.Reader(o => o with
            {
                Sep = new Sep(separator),
                HasHeader = false,
                // Quotes are removed here rather than by Sep, so a quoted empty field stays apart from a null.
                Unescape = false,
                DisableColCountCheck = true,
            }).From(text);

            if (!MoveNext(sep, rowNumber: 0))
            {
                throw new IngestionDataException("The file has no header row: it is empty or holds only blank lines.");
            }

            var firstRow = sep.Current;
            CheckRow(firstRow, rowNumber: hasHeader ? 0 : 1);
            if (firstRow.ColCount > limits.MaxColumns)
            {
                throw new IngestionDataException(
                    $"The {(hasHeader ? "header" : "first row")} has {firstRow.ColCount:N0} columns, more than the limit of {limits.MaxColumns:N0}. " +
                    "Check the delimiter, or raise the limit.");
            }

            var header = new string[firstRow.ColCount];
            var reader = new CsvRecordReader(text, sep, header) { _firstRowIsData = !hasHeader };
            for (var i = 0; i < header.Length; i++)
            {
                header[i] = hasHeader ? reader[i].ToString() : $"column_{i + 1}";
            }

            return reader;
        }
        catch (DecoderFallbackException e)
        {
            sep?.Dispose();
            text.Dispose();
            throw NotUtf8(rowNumber: 0, e);
        }
        catch
        {
            sep?.Dispose();
            text.Dispose();
            throw;
        }
    }

    /// <summary>Moves to the next data row, skipping blank lines.</summary>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="IngestionDataException">The row is malformed.</exception>
    public bool Read()
    {
        if (_firstRowIsData)
        {
            // Without a header the row read to count the columns is the first record.
            _firstRowIsData = false;
            RowNumber = 1;
            return true;
        }

        if (!MoveNext(_sep, RowNumber + 1))
        {
            return false;
        }

        RowNumber++;
        var row = _sep.Current;
        CheckRow(row, RowNumber);
        if (row.ColCount != _header.Length)
        {
            throw new IngestionDataException(
                $"Row {RowNumber} (line {row.LineNumberFrom}) has {row.ColCount} field{(row.ColCount == 1 ? "" : "s")}, " +
                $"but the header has {_header.Length}. Quote fields that contain the delimiter.");
        }

        return true;
    }

    /// <summary>Advances Sep past blank lines, turning decoding errors into data errors.</summary>
    private static bool MoveNext(SepReader sep, long rowNumber)
    {
        try
        {
            while (sep.MoveNext())
            {
                var row = sep.Current;
                if (row.ColCount == 1 && row.Span.IsEmpty)
                {
                    continue;
                }

                return true;
            }

            return false;
        }
        catch (DecoderFallbackException e)
        {
            throw NotUtf8(rowNumber, e);
        }
    }

    // Text is decoded ahead of parsing, so the bad bytes are in the row named or a little after it.
    private static IngestionDataException NotUtf8(long rowNumber, DecoderFallbackException e) => new(
        $"The file is not UTF-8 text: bytes that are not UTF-8 were found while reading {Describe(rowNumber)} or the rows just after it. " +
        "Save the file as UTF-8 and upload it again.", e);

    private static void CheckRow(SepReader.Row row, long rowNumber)
    {
        var span = row.Span;
        if (span.Contains('\0'))
        {
            throw new IngestionDataException(
                $"The file looks binary, not delimited text: a NUL character in {Describe(rowNumber)} (line {row.LineNumberFrom}).");
        }

        // Sep reads an unterminated quote to the end of the file; an odd number of quotes is the sign of it.
        if (span.Count('"') % 2 != 0)
        {
            throw new IngestionDataException(
                $"{Capitalized(Describe(rowNumber))} (line {row.LineNumberFrom}) has a quoted field that is never closed.");
        }
    }

    /// <summary>RFC 4180 unquoting: quotes open and close quoted text, and a doubled quote inside it is one quote.</summary>
    private ReadOnlySpan<char> Unescape(ReadOnlySpan<char> raw)
    {
        if (_unescaped.Length < raw.Length)
        {
            _unescaped = new char[Math.Max(raw.Length, _unescaped.Length * 2)];
        }

        var length = 0;
        var quoted = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c != '"')
            {
                _unescaped[length++] = c;
            }
            else if (quoted && i + 1 < raw.Length && raw[i + 1] == '"')
            {
                _unescaped[length++] = '"';
                i++;
            }
            else
            {
                quoted = !quoted;
            }
        }

        return _unescaped.AsSpan(0, length);
    }

    private static string Describe(long rowNumber) => rowNumber == 0 ? "the header row" : $"row {rowNumber}";

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    /// <inheritdoc />
    public void Dispose()
    {
        _sep.Dispose();
        _text.Dispose();
    }
}
