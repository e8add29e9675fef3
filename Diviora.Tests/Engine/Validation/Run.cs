using Diviora.Core.Ingestion.Validation;
using System.Text.Json;

namespace Diviora.Tests.Engine.Validation;

/// <summary>Copies a RuleResult out of its span so tests can assert on it after the buffer is reused.</summary>
internal sealed record Outcome(string? Value, bool IsNull, string? Violation)
{
    public bool IsValid => Violation is null;
}

internal static class Run
{
    /// <summary>Compiles the settings and applies them to one value; a null input means isNull.</summary>
    public static Outcome Apply(ColumnSettings settings, string? input) =>
        Apply(ColumnRules.Compile(settings), input, new ValueBuffer());

    public static Outcome Apply(ColumnRules rules, string? input, ValueBuffer buffer)
    {
        var result = rules.Apply(input, input is null, buffer);
        return new Outcome(result.IsNull ? null : result.Value.ToString(), result.IsNull, result.Violation);
    }

    /// <summary>A JsonElement for a literal such as 0, "2024-01-01" or true.</summary>
    public static JsonElement Json(string literal) => JsonDocument.Parse(literal).RootElement.Clone();

    public static ColumnSettings Column(string? type = null) => new() { Name = "col", Type = type };
}
