namespace Diviora.Core.Ingestion.Validation;

/// <summary>
/// Outcome of <see cref="ColumnRules.Apply"/>: the transformed value, or a violation a person can act on.
/// </summary>
/// <remarks>
/// <see cref="Value"/> points at the caller's input, at the column's default text, or into the <see cref="ValueBuffer"/>
/// passed to <see cref="ColumnRules.Apply"/>; it is valid until the next call that uses that buffer.
/// </remarks>
public readonly ref struct RuleResult
{
    internal RuleResult(ReadOnlySpan<char> value, bool isNull, string? violation)
    {
        Value = value;
        IsNull = isNull;
        Violation = violation;
    }

    /// <summary>
    /// The value after trim, default, case and format. On a violation it is the value as it stood when the check failed.
    /// Empty when <see cref="IsNull"/> is true.
    /// </summary>
    public ReadOnlySpan<char> Value { get; }

    /// <summary>True when there is no value at all (null input and no default), as opposed to an empty string.</summary>
    public bool IsNull { get; }

    /// <summary>Why the value was rejected, quoting it; null when it passed.</summary>
    public string? Violation { get; }

    /// <summary>True when no rule was violated.</summary>
    public bool IsValid => Violation is null;
}
