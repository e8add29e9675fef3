using System.Globalization;
using System.IO.Compression;
using System.Xml;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>Limits that an Excel workbook must keep before <see cref="ExcelRecordReader"/> reads any cell of it.</summary>
public sealed record ExcelReaderLimits
{
    /// <summary>The limits used when none are given: 2 GiB expanded, 1000 columns.</summary>
    public static ExcelReaderLimits Default { get; } = new();

    /// <summary>
    /// The most bytes the workbook's zip entries may expand to, added up from the sizes in the zip's central directory.
    /// </summary>
    public long MaxExpandedBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The most columns a row of the sheet may span, counting from column A.</summary>
    public int MaxColumns { get; init; } = 1000;
}

/// <summary>
/// Streams the rows of one worksheet of an Excel .xlsx workbook as text records. The first non-empty row is the header;
/// each later non-empty row is a record. Holds one row at a time, never the whole workbook.
/// </summary>
/// <remarks>
/// Cells are given in the canonical text form of <see cref="IRecordReader"/>: numbers in invariant culture with the
/// shortest round-trip digits (<c>12.5</c>, <c>3</c>), dates as <c>yyyy-MM-dd</c> or <c>yyyy-MM-ddTHH:mm:ss[.fff]</c>,
/// booleans as <c>true</c>/<c>false</c>, formulas as their cached value, error cells as their error text
/// (<c>#DIV/0!</c>), text as it is. Empty cells, and cells holding empty text, are null.
/// Zip bombs, files that are not .xlsx, a missing sheet, and values to the right of the header raise an
/// <see cref="IngestionDataException"/>.
/// </remarks>
public sealed class ExcelRecordReader : IRecordReader
{
    private const string NotXlsx = "The file is not an Excel .xlsx workbook";
    private const string WorkbookPart = "xl/workbook.xml";
    private const string MainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    // An entry is a likely bomb when it is big and shrank more than any real worksheet XML does (those run 10x-100x).
    private const long RatioCheckBytes = 10L * 1024 * 1024;
    private const long MaxCompressionRatio = 200;

    // Days between the 1900 and the 1904 date systems; MiniExcel reads every serial date in the 1900 system.
    private const int Date1904OffsetDays = 1462;

    // A plain number longer than this keeps the exponent that round-trip formatting gave it (1E+300).
    private const int MaxPlainNumberLength = 40;

    private static readonly XmlReaderSettings SafeXml = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = true,
        IgnoreComments = true,
    };

    private readonly FileStream? _spool;
    private readonly IEnumerator<object> _rows;
    private readonly string[] _header;
    private readonly string?[] _values;
    private readonly int _maxColumns;
    private readonly bool _date1904;
    private bool _disposed;

    private ExcelRecordReader(
        FileStream? spool, IEnumerator<object> rows, string sheetName, IReadOnlyList<string> sheetNames, string[] header, int maxColumns, bool date1904, long excelRow)
    {
        _spool = spool;
        _rows = rows;
        SheetName = sheetName;
        SheetNames = sheetNames;
        _header = header;
        _values = new string?[header.Length];
        _maxColumns = maxColumns;
        _date1904 = date1904;
        ExcelRowNumber = excelRow;
    }

    /// <summary>
    /// The column names from the header row, made unique and non-blank: a blank cell becomes <c>column_N</c>
    /// (N its one-based position) and a repeated name gets <c>_2</c>, <c>_3</c>, as the delimited text import names them.
    /// </summary>
    public IReadOnlyList<string> Header => _header;

    /// <summary>The name of the worksheet being read.</summary>
    public string SheetName { get; }

    /// <summary>The names of every worksheet of the workbook, in workbook order.</summary>
    public IReadOnlyList<string> SheetNames { get; }

    /// <summary>The one-based number of the current record (the header and skipped empty rows are not counted).</summary>
    public long RowNumber { get; private set; }

    /// <summary>The one-based Excel row number of the current record, as Excel shows it at the left of the sheet.</summary>
    public long ExcelRowNumber { get; private set; }

    /// <inheritdoc />
    public string Location => $"sheet '{SheetName}' row {ExcelRowNumber}";

    /// <summary>The text of cell <paramref name="column"/> of the current record; empty when the cell is null.</summary>
    public ReadOnlySpan<char> this[int column] => _values[column];

    /// <summary>True when cell <paramref name="column"/> is empty, holds empty text, or lies past the row's last cell.</summary>
    public bool IsNull(int column) => _values[column] is null;

    /// <summary>
    /// Checks that <paramref name="stream"/> is an .xlsx workbook within <paramref name="limits"/>, then opens
    /// <paramref name="sheet"/> (the first sheet when null) and reads its header row.
    /// </summary>
    /// <param name="stream">The workbook. It stays open and is the caller's to dispose; a stream that cannot seek is
    /// first copied to a temporary file, which is deleted when the reader is disposed.</param>
    /// <param name="sheet">The name of the sheet to read, matched exactly and then ignoring case as Excel does.</param>
    /// <param name="limits">Size and width limits; <see cref="ExcelReaderLimits.Default"/> when null.</param>
    /// <exception cref="IngestionDataException">The file is not an .xlsx workbook, exceeds a limit, has no such sheet, or
    /// the sheet has no header row.</exception>
    public static ExcelRecordReader Open(Stream stream, string? sheet = null, ExcelReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ExcelReaderLimits.Default;
        if (limits.MaxExpandedBytes <= 0 || limits.MaxColumns <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limits), limits, "Excel reader limits must be positive.");
        }

        FileStream? spool = null;
        IEnumerator<object>? rows = null;
        try
        {
            Stream source = stream;
            if (!stream.CanSeek)
            {
                // ZipArchive buffers a stream it cannot seek in memory; a temporary file keeps memory flat instead.
                spool = SpoolToTempFile(stream, limits.MaxExpandedBytes);
                source = spool;
            }

            var start = source.Position;
            var (sheetNames, date1904) = InspectPackage(source, start, limits);
            var sheetName = ResolveSheet(sheetNames, sheet);

            source.Position = start;
            var configuration = new OpenXmlConfiguration
            {
                Culture = CultureInfo.InvariantCulture,
                FillMergedCells = false,
                IgnoreEmptyRows = false,
            };

            // Without a header row MiniExcel yields every row from A1 on, gaps included, so counting rows gives Excel's row number.
            rows = source.Query(useHeaderRow: false, sheetName: sheetName, excelType: ExcelType.XLSX, startCell: "A1", configuration: configuration)
                .GetEnumerator();

            long excelRow = 0;
            IDictionary<string, object?>? headerRow = null;
            while (MoveNext(rows, sheetName, excelRow + 1))
            {
                excelRow++;
                var row = (IDictionary<string, object?>)rows.Current;
                CheckWidth(row, sheetName, excelRow, limits.MaxColumns);
                if (!IsEmpty(row))
                {
                    headerRow = row;
                    break;
                }
            }

            if (headerRow is null)
            {
                throw new IngestionDataException($"Sheet '{sheetName}' has no header row: it is empty.");
            }

            var header = BuildHeader(headerRow, sheetName, excelRow, limits.MaxColumns, date1904);
            var reader = new ExcelRecordReader(spool, rows, sheetName, sheetNames, header, limits.MaxColumns, date1904, excelRow);
            return reader;
        }
        catch
        {
            rows?.Dispose();
            spool?.Dispose();
            throw;
        }
    }

    /// <summary>Moves to the next non-empty row of the sheet.</summary>
    /// <returns>False at the end of the sheet.</returns>
    /// <exception cref="IngestionDataException">The row has a value to the right of the header, is wider than
    /// <see cref="ExcelReaderLimits.MaxColumns"/>, or the sheet's XML is damaged.</exception>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (MoveNext(_rows, SheetName, ExcelRowNumber + 1))
        {
            ExcelRowNumber++;
            var row = (IDictionary<string, object?>)_rows.Current;
            CheckWidth(row, SheetName, ExcelRowNumber, _maxColumns);
            if (IsEmpty(row))
            {
                continue;
            }

            Array.Clear(_values);
            foreach (var (key, value) in row)
            {
                var text = Format(value, _date1904);
                if (text is null)
                {
                    continue;
                }

                var column = ColumnIndex(key);
                if (column < 0 || column >= _header.Length)
                {
                    throw new IngestionDataException(
                        $"Sheet '{SheetName}' row {ExcelRowNumber} has a value in column {key}, to the right of the header, " +
                        $"which ends at column {ColumnName(_header.Length - 1)}. Give the column a header or clear the cell.");
                }

                _values[column] = text;
            }

            RowNumber++;
            return true;
        }

        return false;
    }

    /// <summary>Closes the sheet and deletes the temporary copy of the workbook, if one was made.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _rows.Dispose();
        _spool?.Dispose();
    }

    private static FileStream SpoolToTempFile(Stream stream, long maxBytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "diviora-xlsx-" + Path.GetRandomFileName());
        var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            // A zip is never much larger than what it expands to, so a copy past the limit (plus room for headers) is refused early.
            var cap = maxBytes + (1L << 20);
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
                if (total > cap)
                {
                    throw new IngestionDataException(
                        $"The workbook is larger than the limit of {ByteSize.Describe(maxBytes)}. Split it into smaller files.");
                }

                spool.Write(buffer, 0, read);
            }

            spool.Position = 0;
            return spool;
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the zip's central directory and the workbook part only: refuses bombs and non-workbooks before any sheet
    /// is expanded, and returns the sheet names in workbook order.
    /// </summary>
    private static (List<string> SheetNames, bool Date1904) InspectPackage(Stream source, long start, ExcelReaderLimits limits)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new IngestionDataException($"{NotXlsx}: it is not a zip package{LegacyHint(source, start)}.", e);
        }

        using (zip)
        {
            long expanded = 0;
            ZipArchiveEntry? workbook = null;
            foreach (var entry in zip.Entries)
            {
                expanded += entry.Length;
                if (expanded > limits.MaxExpandedBytes)
                {
                    throw new IngestionDataException(
                        $"The workbook expands to more than the limit of {ByteSize.Describe(limits.MaxExpandedBytes)} " +
                        "(a zip bomb, or a workbook too large to import). Split it into smaller files.");
                }

                // ZipArchive stops each entry at its declared size, so checking the declared sizes bounds what is read.
                if (entry.Length > RatioCheckBytes && entry.Length > MaxCompressionRatio * entry.CompressedLength)
                {
                    throw new IngestionDataException(
                        $"The workbook part '{entry.FullName}' expands from {ByteSize.Describe(entry.CompressedLength)} to " +
                        $"{ByteSize.Describe(entry.Length)}, more than {MaxCompressionRatio} times: it looks like a zip bomb.");
                }

                if (string.Equals(entry.FullName, WorkbookPart, StringComparison.OrdinalIgnoreCase))
                {
                    workbook = entry;
                }
            }

            if (workbook is null)
            {
                throw new IngestionDataException($"{NotXlsx}: the zip package has no {WorkbookPart} part.");
            }

            return ReadWorkbookPart(workbook);
        }
    }

    private static (List<string> SheetNames, bool Date1904) ReadWorkbookPart(ZipArchiveEntry workbook)
    {
        var names = new List<string>();
        var date1904 = false;
        try
        {
            using var part = workbook.Open();
            using var xml = XmlReader.Create(part, SafeXml);
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element || xml.NamespaceURI != MainNamespace)
                {
                    continue;
                }

                if (xml.LocalName == "workbookPr")
                {
                    var value = xml.GetAttribute("date1904");
                    date1904 = value is "1" or "true";
                }
                else if (xml.LocalName == "sheet" && xml.GetAttribute("name") is { } name)
                {
                    names.Add(name);
                }
            }
        }
        catch (Exception e) when (e is XmlException or InvalidDataException)
        {
            throw new IngestionDataException($"{NotXlsx}: its {WorkbookPart} part is damaged ({e.Message}).", e);
        }

        return (names, date1904);
    }

    private static string ResolveSheet(List<string> names, string? sheet)
    {
        if (names.Count == 0)
        {
            throw new IngestionDataException("The workbook has no worksheets.");
        }

        if (sheet is null)
        {
            return names[0];
        }

        // Excel keeps sheet names unique ignoring case, so a case-insensitive match is still one sheet.
        var found = names.Find(n => string.Equals(n, sheet, StringComparison.Ordinal))
            ?? names.Find(n => string.Equals(n, sheet, StringComparison.OrdinalIgnoreCase));
        return found ?? throw new IngestionDataException(
            $"The workbook has no sheet named '{sheet}'. Its sheets are: {string.Join(", ", names.Select(n => $"'{n}'"))}.");
    }

    private static bool MoveNext(IEnumerator<object> rows, string sheetName, long excelRow)
    {
        try
        {
            return rows.MoveNext();
        }
        catch (Exception e) when (e is XmlException or InvalidDataException)
        {
            throw new IngestionDataException(
                $"Sheet '{sheetName}' is damaged at or after row {excelRow}: {e.Message} Save the workbook again in Excel.", e);
        }
    }

    // MiniExcel sizes every row to the sheet's declared dimension, so a huge declared width costs time on every row.
    private static void CheckWidth(IDictionary<string, object?> row, string sheetName, long excelRow, int maxColumns)
    {
        if (row.Count > maxColumns)
        {
            throw new IngestionDataException(
                $"Sheet '{sheetName}' row {excelRow} spans {row.Count} columns, more than the limit of {maxColumns}. " +
                "Delete the unused columns to the right of the data.");
        }
    }

    private static bool IsEmpty(IDictionary<string, object?> row)
    {
        foreach (var value in row.Values)
        {
            if (value is not null && !(value is string s && s.Length == 0))
            {
                return false;
            }
        }

        return true;
    }

    private static string[] BuildHeader(IDictionary<string, object?> row, string sheetName, long excelRow, int maxColumns, bool date1904)
    {
        var width = 0;
        foreach (var (key, value) in row)
        {
            if (Format(value, date1904) is not null)
            {
                width = Math.Max(width, ColumnIndex(key) + 1);
            }
        }

        // A row holds only the cells the sheet has, so a lone far-right header cell is caught here, not by the row's size.
        if (width > maxColumns)
        {
            throw new IngestionDataException(
                $"Sheet '{sheetName}' row {excelRow}, the header, reaches column {ColumnName(width - 1)}: {width} columns, " +
                $"more than the limit of {maxColumns}.");
        }

        var header = new string[width];
        foreach (var (key, value) in row)
        {
            var column = ColumnIndex(key);
            if (column >= 0 && column < width && Format(value, date1904) is { } text && !string.IsNullOrWhiteSpace(text))
            {
                header[column] = text;
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i] ?? $"column_{i + 1}";
            if (!seen.Add(name))
            {
                var suffix = 2;
                while (!seen.Add($"{name}_{suffix}"))
                {
                    suffix++;
                }

                name = $"{name}_{suffix}";
            }

            header[i] = name;
        }

        return header;
    }

    /// <summary>The canonical text of a cell value as MiniExcel types it, or null for an empty cell.</summary>
    private static string? Format(object? value, bool date1904) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        double d => FormatNumber(d),
        bool b => b ? "true" : "false",
        DateTime dt => FormatDate(date1904 ? dt.AddDays(Date1904OffsetDays) : dt),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>Shortest round-trip digits in invariant culture, written out without an exponent when that stays short.</summary>
    private static string FormatNumber(double value)
    {
        if (value == 0)
        {
            return "0"; // also -0, which Excel shows as 0
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        return e < 0 ? text : WithoutExponent(text, e) ?? text;
    }

    private static string? WithoutExponent(string text, int e)
    {
        var negative = text[0] == '-';
        var mantissa = text.AsSpan(negative ? 1 : 0, e - (negative ? 1 : 0));
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa.ToString() : string.Concat(mantissa[..dot], mantissa[(dot + 1)..]);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;

        string plain;
        if (point <= 0)
        {
            if (2 - point + digits.Length > MaxPlainNumberLength)
            {
                return null;
            }

            plain = "0." + new string('0', -point) + digits;
        }
        else if (point >= digits.Length)
        {
            if (point > MaxPlainNumberLength)
            {
                return null;
            }

            plain = digits + new string('0', point - digits.Length);
        }
        else
        {
            plain = string.Concat(digits.AsSpan(0, point), ".", digits.AsSpan(point));
        }

        return negative ? "-" + plain : plain;
    }

    /// <summary>ISO 8601: the date alone at midnight, else with seconds, and milliseconds only when there are some.</summary>
    private static string FormatDate(DateTime value)
    {
        // Serial dates are fractions of a day; rounding to the millisecond removes the binary noise of the fraction.
        value = new DateTime((value.Ticks + (TimeSpan.TicksPerMillisecond / 2)) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond, value.Kind);
        if (value.TimeOfDay == TimeSpan.Zero)
        {
            return value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        return value.ToString(value.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
    }

    /// <summary>The zero-based index of a column name (<c>A</c> is 0, <c>AA</c> is 26), or -1 when it is not one.</summary>
    private static int ColumnIndex(string name)
    {
        if (name.Length is 0 or > 3)
        {
            return -1;
        }

        var index = 0;
        foreach (var c in name)
        {
            var letter = char.ToUpperInvariant(c);
            if (letter is < 'A' or > 'Z')
            {
                return -1;
            }

            index = (index * 26) + (letter - 'A' + 1);
        }

        return index - 1;
    }

    /// <summary>The Excel name of a zero-based column index: 0 is <c>A</c>, 26 is <c>AA</c>.</summary>
    private static string ColumnName(int index)
    {
        Span<char> buffer = stackalloc char[4];
        var position = buffer.Length;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            buffer[--position] = (char)('A' + ((n - 1) % 26));
        }

        return buffer[position..].ToString();
    }

    // An old binary .xls and a password-protected .xlsx are both OLE compound files, which start with D0 CF 11 E0.
    private static string LegacyHint(Stream source, long start)
    {
        try
        {
            source.Position = start;
            Span<byte> signature = stackalloc byte[4];
            return source.ReadAtLeast(signature, 4, throwOnEndOfStream: false) == 4 &&
                signature.SequenceEqual(new byte[] { 0xD0, 0xCF, 0x11, 0xE0 })
                ? " (it looks like an old .xls workbook or a password-protected one: save it in Excel as an unprotected .xlsx)"
                : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
