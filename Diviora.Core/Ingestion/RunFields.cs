using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Validation;

namespace Diviora.Core.Ingestion;

/// <summary>How both passes see a payload's fields: null tokens, the rules that apply, the key fields, and error text.</summary>
internal static class RunFields
{
    private const int MaxValueInError = 100;

    /// <summary>Null tokens longer than this are not matched; no sensible token is that long.</summary>
    private const int MaxNullTokenLength = 32;

    /// <summary>True when <paramref name="value"/> is one of the dataset's null tokens.</summary>
    public static bool IsNullToken(ReadOnlySpan<char> value, string[] tokens)
    {
        // Runs for every field: most values are longer than any token, or empty (already null).
        if (value.Length is 0 or > MaxNullTokenLength)
        {
            return false;
        }

        foreach (var token in tokens)
        {
            if (value.SequenceEqual(token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The compiled rules for each file column, or null where the settings name none.</summary>
    public static ColumnRules?[] RulesFor(IReadOnlyDictionary<string, ColumnRules> compiled, string[] fileColumns)
    {
        var rules = new ColumnRules?[fileColumns.Length];
        for (var i = 0; i < fileColumns.Length && compiled.Count > 0; i++)
        {
            rules[i] = compiled.GetValueOrDefault(fileColumns[i]);
        }

        return rules;
    }

    /// <summary>For a dataset with a key, the file fields that hold it; empty otherwise.</summary>
    /// <exception cref="IngestionDataException">A key column is not in the dataset or not in the file.</exception>
    public static int[] KeyFieldsOf(DatasetSettings settings, List<DatasetColumn> columns, int[] target)
    {
        if (!settings.HasKey)
        {
            return [];
        }

        var fields = new int[settings.Key!.Count];
        for (var k = 0; k < fields.Length; k++)
        {
            var column = columns.FindIndex(c => c.Name == settings.Key[k]);
            if (column < 0)
            {
                throw new IngestionDataException(
                    $"The dataset's key column '{settings.Key[k]}' is not one of its columns ({string.Join(", ", columns.Select(c => $"'{c.Name}'"))}).");
            }

            fields[k] = Array.IndexOf(target, column);
            if (fields[k] < 0)
            {
                throw new IngestionDataException($"The file has no column '{settings.Key[k]}', which the dataset merges rows on.");
            }
        }

        return fields;
    }

    /// <summary>A value as an error message quotes it: at most 100 characters.</summary>
    public static string Shorten(ReadOnlySpan<char> text) =>
        text.Length <= MaxValueInError ? text.ToString() : string.Concat(text[..MaxValueInError], "...");

    /// <summary>Why a value does not fit its column's type: <c>'x' is not an integer, the column's type.</c></summary>
    public static string NotOfType(ReadOnlySpan<char> value, ColumnType type) =>
        $"'{Shorten(value)}' is not {(type is ColumnType.Integer ? "an" : "a")} {Schema.ColumnValues.Name(type)}, the column's type.";
}
