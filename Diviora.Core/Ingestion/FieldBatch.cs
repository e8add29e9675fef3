using Diviora.Core.Ingestion.Readers;

namespace Diviora.Core.Ingestion;

/// <summary>
/// Records copied out of a reader, a few thousand at a time, so that one thread can parse while another looks at
/// the values: a reader's field is valid only until its next read.
/// </summary>
internal sealed class FieldBatch(int columns)
{
    private const int MaxRows = 4096;
    private const int MaxChars = 1 << 20;

    private char[] _chars = new char[64 * 1024];
    private int _length;
    private readonly int[] _ends = new int[MaxRows * columns];
    private readonly bool[] _nulls = new bool[MaxRows * columns];

    /// <summary>The records held.</summary>
    public int Rows { get; private set; }

    /// <summary>True when the batch should be handed on before it takes another record.</summary>
    public bool IsFull => Rows == MaxRows || _length >= MaxChars;

    /// <summary>Copies the reader's current record.</summary>
    public void Add(IRecordReader reader)
    {
        var field = Rows * columns;
        for (var i = 0; i < columns; i++, field++)
        {
            var value = reader[i];
            if (_length + value.Length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + value.Length));
            }

            value.CopyTo(_chars.AsSpan(_length));
            _length += value.Length;
            _ends[field] = _length;
            _nulls[field] = reader.IsNull(i);
        }

        Rows++;
    }

    /// <summary>The text of field <paramref name="column"/> of record <paramref name="row"/>.</summary>
    public ReadOnlySpan<char> this[int row, int column]
    {
        get
        {
            var field = row * columns + column;
            var start = field == 0 ? 0 : _ends[field - 1];
            return _chars.AsSpan(start, _ends[field] - start);
        }
    }

    /// <summary>True when field <paramref name="column"/> of record <paramref name="row"/> holds no value at all.</summary>
    public bool IsNull(int row, int column) => _nulls[row * columns + column];

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear() => (Rows, _length) = (0, 0);
}
