namespace Diviora.Core.Query.Export;

/// <summary>
/// The one rule for CSV cells a spreadsheet would run as a formula: text starting with <c>=</c>, <c>+</c>, <c>-</c>,
/// <c>@</c>, tab or carriage return (OWASP's list). Every CSV Diviora writes for people (exports, rejects files) puts a
/// <c>'</c> before such a cell, so opening the file shows the text instead of running it.
/// </summary>
internal static class SpreadsheetFormula
{
    /// <summary>True when a spreadsheet would read UTF-8 <paramref name="text"/> as a formula.</summary>
    public static bool Starts(ReadOnlySpan<byte> text) => text.Length > 0 && IsTrigger(text[0]);

    /// <summary>True when a spreadsheet would read <paramref name="text"/> as a formula.</summary>
    public static bool Starts(ReadOnlySpan<char> text) => text.Length > 0 && IsTrigger(text[0]);

    private static bool IsTrigger(int first) => first is '=' or '+' or '-' or '@' or '\t' or '\r';
}
