namespace Diviora.Core.Ingestion.Validation;

/// <summary>
/// Reusable scratch space that <see cref="ColumnRules.Apply"/> writes transformed values into.
/// Keep one per reader thread and pass it to every call: it only allocates when a value is longer than any seen before.
/// </summary>
/// <remarks>
/// A span returned from <see cref="ColumnRules.Apply"/> that points into this buffer stays valid until the next
/// <see cref="ColumnRules.Apply"/> call that uses the same buffer; copy it (or use one buffer per column) to keep it longer.
/// Not thread-safe.
/// </remarks>
public sealed class ValueBuffer
{
    private char[] _chars;

    /// <summary>Creates a buffer with room for <paramref name="initialCapacity"/> chars before it has to grow.</summary>
    /// <param name="initialCapacity">Starting size in chars; 0 is allowed.</param>
    public ValueBuffer(int initialCapacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _chars = initialCapacity == 0 ? [] : new char[initialCapacity];
    }

    /// <summary>Current capacity in chars.</summary>
    public int Capacity => _chars.Length;

    /// <summary>True when <paramref name="span"/> lies (partly) in this buffer's current storage.</summary>
    internal bool Contains(ReadOnlySpan<char> span) => span.Overlaps(_chars);

    /// <summary>Returns the first <paramref name="length"/> chars, growing (doubling) first when needed.</summary>
    internal Span<char> GetSpan(int length)
    {
        if (_chars.Length < length)
        {
            // Doubling keeps the number of reallocations logarithmic on a column whose values keep getting longer.
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }

        return _chars.AsSpan(0, length);
    }
}
