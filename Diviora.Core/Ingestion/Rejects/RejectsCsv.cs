using System.Globalization;
using System.Text;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Query.Export;

namespace Diviora.Core.Ingestion.Rejects;

/// <summary>
/// The rejects file's CSV (RFC 4180): a header, then per rejected row its number, column, value (quoted even when
/// empty, so an empty string reads back apart from a null) and reason. The engine stores rejects exactly as they came,
/// as the rejects page shows them; the download is written again with formulas neutralised, as the CSV export is.
/// </summary>
public static class RejectsCsv
{
    /// <summary>The header line of every rejects file.</summary>
    internal const string Header = "rowNumber,column,value,reason\n";

    private const int BlockChars = 32 * 1024;

    /// <summary>
    /// Copies the stored rejects file <paramref name="stored"/> to <paramref name="output"/>, row by row. Unless
    /// <paramref name="raw"/>, a column, value or reason that a spreadsheet would run as a formula (see
    /// <see cref="SpreadsheetFormula"/>) gets a leading <c>'</c>, as in the CSV export. A value that is just a negative
    /// number (<c>-5</c>, <c>-2.50</c>) stays as it is: a spreadsheet reads it as that number, and the export writes
    /// numbers as they are too.
    /// </summary>
    public static async Task WriteForPeopleAsync(Stream stored, Stream output, bool raw, CancellationToken cancellationToken)
    {
        using var reader = CsvRecordReader.Open(stored, ',', limits: CsvLimits.RowsChecked);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), BlockChars, leaveOpen: true);
        var block = new StringBuilder(BlockChars + 4096).Append(Header);
        while (reader.Read())
        {
            AppendRow(block, long.Parse(reader[0], CultureInfo.InvariantCulture), reader[1], reader.IsNull(2) ? null : reader[2].ToString(),
                reader[3], neutralise: !raw);
            if (block.Length >= BlockChars)
            {
                await writer.WriteAsync(block, cancellationToken);
                block.Clear();
            }
        }

        await writer.WriteAsync(block, cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Appends one rejected row; <paramref name="value"/> null for a null value.</summary>
    internal static void AppendRow(StringBuilder line, long rowNumber, ReadOnlySpan<char> column, string? value, ReadOnlySpan<char> reason, bool neutralise)
    {
        line.Append(rowNumber.ToString(CultureInfo.InvariantCulture)).Append(',');
        AppendField(line, column, neutralise, alwaysQuote: false);
        line.Append(',');
        if (value is not null)
        {
            AppendField(line, value, neutralise, alwaysQuote: true);
        }

        line.Append(',');
        AppendField(line, reason, neutralise, alwaysQuote: false);
        line.Append('\n');
    }

    private static void AppendField(StringBuilder line, ReadOnlySpan<char> field, bool neutralise, bool alwaysQuote)
    {
        var formula = neutralise && SpreadsheetFormula.Starts(field) && !IsNegativeNumber(field);
        if (!formula && !alwaysQuote && field.IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(field);
            return;
        }

        line.Append(formula ? "\"'" : "\"");
        while (field.IndexOf('"') is var quote and >= 0)
        {
            line.Append(field[..(quote + 1)]).Append('"');
            field = field[(quote + 1)..];
        }

        line.Append(field).Append('"');
    }

    /// <summary>True for <c>-</c> followed by digits with at most one decimal point among them: text no spreadsheet runs.</summary>
    private static bool IsNegativeNumber(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[0] != '-')
        {
            return false;
        }

        var digits = text[1..];
        var point = digits.IndexOf('.');
        var whole = point < 0 ? digits : digits[..point];
        var fraction = point < 0 ? [] : digits[(point + 1)..];
        return whole.Length > 0 && !whole.ContainsAnyExceptInRange('0', '9') && !fraction.ContainsAnyExceptInRange('0', '9')
            && (point < 0 || fraction.Length > 0);
    }
}
