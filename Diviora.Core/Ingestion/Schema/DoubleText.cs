using System.Globalization;

namespace Diviora.Core.Ingestion.Schema;

/// <summary>
/// Recognizes floating-point values written in exponent notation in invariant form (<c>1e5</c>,
/// <c>-2.5E-3</c>, <c>6.02e23</c>). Plain decimals such as <c>1.5</c> are not this class's business: they
/// belong to the decimal recognizer, which keeps their exact digits. Runs per value on the hot path, so it
/// checks characters by position and never allocates.
/// </summary>
public static class DoubleText
{
    /// <summary>
    /// The longest text <see cref="TryCanonical"/> can write: a sign, 17 significant digits, a point and
    /// <c>E-308</c> (for example <c>-1.2345678901234567E-300</c>), or a sign, <c>0.0000</c> and 17 digits.
    /// </summary>
    public const int MaxCanonicalLength = 24;

    /// <summary>
    /// True when <paramref name="value"/> is <c>-?</c>, an integer part without leading zeros, an optional
    /// <c>.digits</c> fraction, and a required exponent <c>e</c> or <c>E</c> with an optional sign, and it
    /// parses to a finite double that did not underflow to zero.
    /// </summary>
    /// <param name="value">One cell's text, untrimmed.</param>
    /// <returns>Whether the column may be typed as double because of this value.</returns>
    public static bool IsDouble(ReadOnlySpan<char> value) => TryParse(value, out _);

    /// <summary>
    /// Writes the shortest round-trip invariant form (<c>"R"</c>) of a value that <see cref="IsDouble"/> accepts,
    /// for example <c>1e5</c> becomes <c>100000</c> and <c>6.02e23</c> becomes <c>6.02E+23</c>.
    /// </summary>
    /// <param name="value">One cell's text.</param>
    /// <param name="destination">Where to write; <see cref="MaxCanonicalLength"/> characters always suffice.</param>
    /// <param name="written">How many characters were written; 0 on failure.</param>
    /// <returns>False when the value is not accepted or <paramref name="destination"/> is too short.</returns>
    public static bool TryCanonical(ReadOnlySpan<char> value, Span<char> destination, out int written)
    {
        if (!TryParse(value, out double number))
        {
            written = 0;
            return false;
        }

        if (!number.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture))
        {
            written = 0;
            return false;
        }

        return true;
    }

    private static bool TryParse(ReadOnlySpan<char> value, out double number)
    {
        number = 0;
        int length = value.Length;
        int i = 0;

        // A leading '+' is refused, as for integers: it would not survive a canonical write-back.
        if (i < length && value[i] == '-')
        {
            i++;
        }

        int integerStart = i;
        bool nonZeroMantissa = false;
        while (i < length && CalendarText.IsDigit(value[i]))
        {
            nonZeroMantissa |= value[i] != '0';
            i++;
        }

        int integerLength = i - integerStart;

        // ".5e3" has no integer part; "01e5" has a leading zero, which often marks a code rather than a number.
        if (integerLength == 0 || (integerLength > 1 && value[integerStart] == '0'))
        {
            return false;
        }

        if (i < length && value[i] == '.')
        {
            i++;
            int fractionStart = i;
            while (i < length && CalendarText.IsDigit(value[i]))
            {
                nonZeroMantissa |= value[i] != '0';
                i++;
            }

            // "5.e3" is refused: a dangling point is a sloppy form, not an invariant float.
            if (i == fractionStart)
            {
                return false;
            }
        }

        // Without an exponent the value is a plain decimal (or not a number at all).
        if (i >= length || (value[i] != 'e' && value[i] != 'E'))
        {
            return false;
        }

        i++;
        if (i < length && (value[i] == '+' || value[i] == '-'))
        {
            i++;
        }

        int exponentStart = i;
        while (i < length && CalendarText.IsDigit(value[i]))
        {
            i++;
        }

        if (i == exponentStart || i != length)
        {
            return false;
        }

        // The shape check above already excludes white space, thousands separators, NaN and Infinity,
        // so NumberStyles.Float only has to do the numeric conversion.
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        // Overflow parses to infinity and a too-small exponent to zero; both would silently change the
        // value on write-back, so such text stays text.
        return double.IsFinite(number) && (number != 0 || !nonZeroMantissa);
    }
}
