using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diviora.Core.Ingestion.Validation;

/// <summary>
/// One column's rules and transforms as declared in a dataset's settings JSON.
/// Serialize with <see cref="JsonSerializerDefaults.Web"/> (camelCase names such as <c>maxLength</c>).
/// Every member except <see cref="Name"/> is optional; unset members are left out when written.
/// </summary>
public sealed record ColumnSettings
{
    /// <summary>The column's name in the source data.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The column type, lower-case: text, boolean, integer, decimal, double, date, timestamp or timestamptz.
    /// Null means text.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; init; }

    /// <summary>When true, a null or empty value (after trim and default) is a violation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Required { get; init; }

    /// <summary>
    /// Inclusive lower bound, kept as raw JSON because its kind depends on <see cref="Type"/>:
    /// a JSON number (or numeric string) for integer, decimal and double columns;
    /// an ISO 8601 string such as <c>"2024-01-31"</c> or <c>"2024-01-31T08:00:00Z"</c> for date, timestamp and timestamptz columns.
    /// Other column types reject a bound.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Min { get; init; }

    /// <summary>Inclusive upper bound; same representation as <see cref="Min"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Max { get; init; }

    /// <summary>A .NET regular expression the whole value is tested against with <c>Regex.IsMatch</c> (anchor it yourself).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pattern { get; init; }

    /// <summary>The only values accepted, compared ordinally (case-sensitive) after the case transform.</summary>
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays",
        Justification = "Settings DTO mirroring a JSON array; it is copied into a HashSet when compiled.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Allowed { get; init; }

    /// <summary>Maximum length in UTF-16 chars, checked after transforms.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxLength { get; init; }

    /// <summary>Output column name; null keeps <see cref="Name"/>. Must not be empty or start with '_'.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Rename { get; init; }

    /// <summary>When true, leading and trailing whitespace is removed first.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Trim { get; init; }

    /// <summary>"upper" or "lower" to change case with invariant culture rules; null leaves case alone.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Case { get; init; }

    /// <summary>
    /// Value used when the input is null or empty (after trim): a JSON number, string or boolean.
    /// Numbers become invariant text, booleans become <c>true</c>/<c>false</c>.
    /// The default then goes through case, format and every check like any other value.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Default { get; init; }

    /// <summary>
    /// A .NET date format (for example <c>dd/MM/yyyy</c> or <c>MM/dd/yyyy HH:mm</c>) the source uses;
    /// values are parsed with it and rewritten as ISO 8601.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Format { get; init; }

    /// <summary>The column's name in the output: <see cref="Rename"/> when set, otherwise <see cref="Name"/>.</summary>
    [JsonIgnore]
    public string RenamedName => Rename ?? Name;

    /// <summary>
    /// Checks every field and returns a message naming the first bad one, or null when the settings are usable.
    /// Also checks that <see cref="Default"/> itself passes the column's rules, since a bad default would fail every null row.
    /// </summary>
    public string? Validate() => ColumnRules.Build(this, forExecution: false).Error;
}
