using System.Buffers;

namespace Diviora.Core.Ingestion.Readers;

/// <summary>
/// Passes text through to the CSV parser and stops a row that grows past a limit. The parser would otherwise hold a
/// runaway row (typically an unclosed quote swallowing the rest of the file) in memory whole. Quotes are tracked the
/// way RFC 4180 parsers do: every <c>"</c> toggles quoting, and a line break outside quotes ends the row.
/// </summary>
internal sealed class RowLengthGuard(TextReader inner, int maxRowChars) : TextReader
{
    private static readonly SearchValues<char> Special = SearchValues.Create("\"\n");

    private bool _quoted;
    private long _rowLength;
    private long _line = 1;
    private long _rowStartLine = 1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var read = inner.Read(buffer);
        Track(buffer[..read]);
        return read;
    }

    public override int Peek() => inner.Peek();

    public override int Read()
    {
        var c = inner.Read();
        if (c >= 0)
        {
            Span<char> one = [(char)c];
            Track(one);
        }

        return c;
    }

    private void Track(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var at = text.IndexOfAny(Special);
            if (at < 0)
            {
                Grow(text.Length);
                return;
            }

            Grow(at + 1);
            if (text[at] == '"')
            {
                _quoted = !_quoted;
            }
            else
            {
                _line++;
                if (!_quoted)
                {
                    _rowLength = 0;
                    _rowStartLine = _line;
                }
            }

            text = text[(at + 1)..];
        }
    }

    private void Grow(int chars)
    {
        _rowLength += chars;
        if (_rowLength > maxRowChars)
        {
            throw new IngestionDataException(
                $"The row starting at line {_rowStartLine} is longer than the limit of {maxRowChars:N0} characters" +
                (_quoted ? "; a quote opened in it is never closed." : "."));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
