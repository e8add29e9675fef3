using System.Text.Json;
using System.Text.Json.Serialization;
using Diviora.Core.Ingestion.Validation;

namespace Diviora.Core.Catalog;

/// <summary>
/// How a dataset takes its runs, set with <c>PUT /api/datasets/{dataset}</c> and stored as JSON on the dataset.
/// An unknown field is refused rather than ignored, so a setting that is not supported yet never silently does nothing.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DatasetSettings
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// <c>append</c> adds every run's rows; <c>upsert</c> merges them on <see cref="Key"/> (the last row of a file wins
    /// for a repeated key); <c>replace</c> swaps the whole table for the run's rows.
    /// </summary>
    public string Mode { get; init; } = DatasetModes.Append;

    /// <summary>
    /// The columns that identify a row: <c>upsert</c> merges on them, and <c>append</c> with a key rejects a row
    /// whose key is already loaded or repeats in the file.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Key { get; init; }

    /// <summary>
    /// For <c>upsert</c> datasets fed by several sources: source names, most trusted first. A row whose key is already
    /// loaded is replaced only by a row from the same source or one listed earlier; a source not listed (and an
    /// upload) ranks after every listed one. Without it the most recent write wins.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? SourcePriority { get; init; }

    /// <summary>The most sources a priority may list.</summary>
    public const int MaxSourcePriority = 32;

    /// <summary><c>reject</c> keeps going and lists the row; <c>fail</c> fails the run at the first invalid row.</summary>
    public string OnInvalidRow { get; init; } = "reject";

    /// <summary>The run fails when more than this share of its rows (0-100) is rejected; no limit when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MaxRejectedPercent { get; init; }

    /// <summary>The null tokens of a dataset that sets none.</summary>
    public static readonly IReadOnlyList<string> DefaultNullTokens = ["NULL", "null", "N/A", "NaN"];

    /// <summary>
    /// Values read as null besides an empty unquoted field, compared exactly; <see cref="DefaultNullTokens"/> when
    /// not set, none when set to an empty list.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? NullTokens { get; init; }

    /// <summary>Per-column types, rules and transforms, matched to file columns by <see cref="ColumnSettings.Name"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ColumnSettings>? Columns { get; init; }

    /// <summary>
    /// Columns to index, each entry one index over one or more columns (<c>[["country"], ["created_at"]]</c>), so
    /// filters and orders on them stay fast on large datasets. Built after the first run that has the columns.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<IReadOnlyList<string>>? Indexes { get; init; }

    /// <summary>
    /// Also keep each loaded record as a JSON document (Cosmos DB): JSON sources keep their nesting, other formats
    /// their typed columns. The id is the key's values, or the run and row when the dataset has no key.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Documents { get; init; }

    /// <summary>Charts of the dataset's rows, for dashboards: at most <see cref="MaxCharts"/>, names unique ignoring case.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChartSettings>? Charts { get; init; }

    /// <summary>The most charts a dataset keeps.</summary>
    public const int MaxCharts = 20;

    /// <summary>True when the dataset keeps documents.</summary>
    [JsonIgnore]
    public bool KeepsDocuments => Documents == true;

    /// <summary>The most indexes a dataset may declare.</summary>
    public const int MaxIndexes = 16;

    /// <summary>The null tokens in force.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> EffectiveNullTokens => NullTokens ?? DefaultNullTokens;

    /// <summary>True in <c>upsert</c> mode.</summary>
    [JsonIgnore]
    public bool IsUpsert => string.Equals(Mode, DatasetModes.Upsert, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when rows must have unique keys: upsert, or append with a key.</summary>
    [JsonIgnore]
    public bool HasKey => Key is { Count: > 0 } && !IsReplace;

    /// <summary>True in <c>replace</c> mode.</summary>
    [JsonIgnore]
    public bool IsReplace => string.Equals(Mode, DatasetModes.Replace, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when invalid rows fail the run instead of being rejected.</summary>
    [JsonIgnore]
    public bool FailOnInvalidRow => string.Equals(OnInvalidRow, "fail", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the settings; returns a message naming the first bad one, or null.</summary>
    public string? Validate()
    {
        if (!DatasetModes.All.Contains(Mode, StringComparer.OrdinalIgnoreCase))
        {
            return $"mode '{Mode}' is not one of {string.Join(", ", DatasetModes.All)}.";
        }

        if (IsUpsert && Key is not { Count: > 0 })
        {
            return "mode 'upsert' needs a key: the columns that identify a row, such as \"key\": [\"id\"].";
        }

        if (Key is { Count: > 0 } && (Key.Any(string.IsNullOrEmpty) || Key.Distinct(StringComparer.Ordinal).Count() != Key.Count))
        {
            return "key must list distinct column names.";
        }

        if (SourcePriority is { } priority)
        {
            if (!IsUpsert)
            {
                return "sourcePriority applies to mode 'upsert' only: it decides which source's row a key keeps.";
            }

            if (KeepsDocuments)
            {
                return "sourcePriority does not apply to documents: a dataset that keeps documents cannot rank its sources yet.";
            }

            if (priority.Count > MaxSourcePriority || priority.Any(p => !DatasetName.IsValid(p))
                || priority.Distinct(StringComparer.OrdinalIgnoreCase).Count() != priority.Count)
            {
                return $"sourcePriority must list at most {MaxSourcePriority} distinct source names, each {DatasetName.Rule}.";
            }
        }

        if (OnInvalidRow is not ("reject" or "fail"))
        {
            return $"onInvalidRow '{OnInvalidRow}' is not one of reject, fail.";
        }

        if (MaxRejectedPercent is < 0 or > 100)
        {
            return $"maxRejectedPercent must be between 0 and 100; it was {MaxRejectedPercent}.";
        }

        if (NullTokens?.Any(t => t is null || t.Length > 32) == true)
        {
            return "nullTokens must be strings of at most 32 characters.";
        }

        if (Indexes is { } indexes)
        {
            if (indexes.Count > MaxIndexes)
            {
                return $"indexes: at most {MaxIndexes} indexes; there were {indexes.Count}.";
            }

            for (var i = 0; i < indexes.Count; i++)
            {
                if (indexes[i] is not { Count: > 0 and <= 8 } index || index.Any(string.IsNullOrEmpty) || index.Distinct(StringComparer.Ordinal).Count() != index.Count)
                {
                    return $"indexes[{i}] must list 1 to 8 distinct column names.";
                }
            }
        }

        if (ValidateCharts() is { } charts)
        {
            return charts;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (Columns?.Count ?? 0); i++)
        {
            var column = Columns![i];
            if (column.Validate() is { } invalid)
            {
                return $"columns[{i}] ('{column.Name}'): {invalid}";
            }

            if (!names.Add(column.Name))
            {
                return $"columns[{i}]: '{column.Name}' is listed twice.";
            }

            if (!outputs.Add(column.RenamedName))
            {
                return $"columns[{i}]: two columns would be named '{column.RenamedName}'.";
            }
        }

        return null;
    }

    /// <summary>Checks the charts' names, types and counts; returns a message naming the first bad chart, or null.</summary>
    private string? ValidateCharts()
    {
        if (Charts is not { } charts)
        {
            return null;
        }

        if (charts.Count > MaxCharts)
        {
            return $"charts: at most {MaxCharts} charts; there were {charts.Count}.";
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < charts.Count; i++)
        {
            if (charts[i] is null)
            {
                return $"charts[{i}] is null.";
            }

            if (charts[i].Validate() is { } invalid)
            {
                return $"charts[{i}]: {invalid}";
            }

            if (!names.Add(charts[i].Name))
            {
                return $"charts[{i}]: the name '{charts[i].Name}' is taken by an earlier chart (names are compared ignoring letter case).";
            }
        }

        return null;
    }

    /// <summary>Parses every chart's aggregate against the dataset's columns; returns a message naming the first bad chart, or null.</summary>
    public string? ValidateCharts(IReadOnlyList<DatasetColumn> columns)
    {
        for (var i = 0; i < (Charts?.Count ?? 0); i++)
        {
            if (Charts![i].Validate(columns) is { } invalid)
            {
                return $"charts[{i}] ('{Charts[i].Name}'): {invalid}";
            }
        }

        return null;
    }

    /// <summary>The settings as stored on the dataset.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads settings a user sent; the message names what is wrong when they cannot be read.</summary>
    public static DatasetSettings? TryRead(string json, out string? error)
    {
        try
        {
            error = null;
            return JsonSerializer.Deserialize<DatasetSettings>(json, Json) ?? throw new JsonException("The body is null.");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the offending member in the path ($.onInvalidRows).
            error = e.Path is { Length: > 1 } path ? $"'{path[2..]}' is not a setting, or its value has the wrong type." : $"The body is not valid JSON: {e.Message}";
            return null;
        }
    }

    /// <summary>The stored settings; the defaults when none were set.</summary>
    public static DatasetSettings Parse(string? json) =>
        json is null ? new DatasetSettings() : JsonSerializer.Deserialize<DatasetSettings>(json, Json) ?? new DatasetSettings();
}
