using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Diviora.Core.Catalog;

/// <summary>The rule for dataset names: 1-63 letters, digits, <c>_</c> or <c>-</c>, starting with a letter.</summary>
public static partial class DatasetName
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1-63 letters, digits, '_' or '-', starting with a letter";

    /// <summary>True when <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The name of the warehouse table for a valid dataset name.</summary>
    public static string TableNameFor(string name) =>
        IsValid(name) ? "ds_" + name.ToLowerInvariant() : throw new ArgumentException($"'{name}' is not a valid dataset name: {Rule}.", nameof(name));

    // \z, not $: $ also matches before a final line feed, which would let "sales\n" through.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
