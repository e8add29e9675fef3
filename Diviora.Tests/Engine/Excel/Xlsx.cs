using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace Diviora.Tests.Engine.Excel;

/// <summary>Builds minimal .xlsx packages by hand, so tests control every cell type, formula and style exactly.</summary>
internal static class Xlsx
{
    /// <summary>Style indexes of <see cref="Styles"/>: general, a date, a datetime, a datetime with milliseconds, and "0.00".</summary>
    public const int General = 0, Date = 1, DateTime = 2, DateTimeMs = 3, TwoDecimals = 4;

    private const string Styles = """
        <?xml version="1.0" encoding="UTF-8"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
          <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss.000"/></numFmts>
          <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
          <fills count="1"><fill><patternFill patternType="none"/></fill></fills>
          <borders count="1"><border/></borders>
          <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
          <cellXfs count="5">
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
            <xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
            <xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
            <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
            <xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
          </cellXfs>
        </styleSheet>
        """;

    /// <summary>A workbook of one sheet named <c>Data</c> holding <paramref name="rows"/> (the XML inside sheetData).</summary>
    public static byte[] Workbook(string rows, string[]? sharedStrings = null, string? dimension = null) =>
        Workbook([new Sheet("Data", rows, dimension)], sharedStrings);

    /// <summary>A workbook of <paramref name="sheets"/>, in that order, with an optional shared string table.</summary>
    public static byte[] Workbook(IReadOnlyList<Sheet> sheets, string[]? sharedStrings = null, bool date1904 = false)
    {
        var parts = new List<(string, string)>();
        var types = new StringBuilder();
        var sheetList = new StringBuilder();
        var rels = new StringBuilder();
        for (var i = 0; i < sheets.Count; i++)
        {
            var n = i + 1;
            types.Append(CultureInfo.InvariantCulture, $"""<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""");
            sheetList.Append(CultureInfo.InvariantCulture, $"""<sheet name="{SecurityElement.Escape(sheets[i].Name)}" sheetId="{n}" r:id="rId{n}"/>""");
            rels.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>""");
            var dimension = sheets[i].Dimension is { } d ? $"""<dimension ref="{d}"/>""" : "";
            parts.Add(($"xl/worksheets/sheet{n}.xml", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{dimension}<sheetData>{sheets[i].Rows}</sheetData></worksheet>
                """));
        }

        rels.Append("""<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>""");
        parts.Add(("xl/styles.xml", Styles));
        if (sharedStrings is not null)
        {
            rels.Append("""<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""");
            types.Append("""<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""");
            var items = string.Concat(sharedStrings.Select(s => $"""<si><t xml:space="preserve">{SecurityElement.Escape(s)}</t></si>"""));
            parts.Add(("xl/sharedStrings.xml", $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{sharedStrings.Length}" uniqueCount="{sharedStrings.Length}">{items}</sst>"""));
        }

        parts.Add(("[Content_Types].xml", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{types}</Types>
            """));
        parts.Add(("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """));
        parts.Add(("xl/workbook.xml", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr{(date1904 ? " date1904=\"1\"" : "")}/><sheets>{sheetList}</sheets></workbook>
            """));
        parts.Add(("xl/_rels/workbook.xml.rels", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>
            """));
        return Zip(parts.Select(p => (p.Item1, Encoding.UTF8.GetBytes(p.Item2))).ToArray());
    }

    /// <summary>A zip of the given entries, compressed as a generator would.</summary>
    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A row element with its cells.</summary>
    public static string Row(int r, params string[] cells) => $"""<row r="{r}">{string.Concat(cells)}</row>""";

    /// <summary>A number cell with an optional style (see the style constants).</summary>
    public static string Num(string reference, string value, int style = General) =>
        $"""<c r="{reference}"{(style == General ? "" : $" s=\"{style}\"")}><v>{value}</v></c>""";

    /// <summary>An inline string cell, as non-Excel generators write text.</summary>
    public static string Text(string reference, string value) =>
        $"""<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{SecurityElement.Escape(value)}</t></is></c>""";

    /// <summary>A shared string cell: an index into the workbook's shared strings, as Excel writes text.</summary>
    public static string Shared(string reference, int index) => $"""<c r="{reference}" t="s"><v>{index}</v></c>""";

    /// <summary>One worksheet: its name, its sheetData rows and an optional dimension reference.</summary>
    public sealed record Sheet(string Name, string Rows, string? Dimension = null);
}

/// <summary>A stream that cannot seek, as an HTTP request body is.</summary>
internal sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
