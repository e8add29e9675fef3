using System.Data.Common;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Ingestion.Validation;

namespace Diviora.Core.Ingestion;

/// <summary>
/// What every pass of one run attempt reads: the run and its dataset as they were when the attempt began, the
/// dataset's settings and compiled rules (parsed once, so every pass follows the same), how to read the payload, the
/// warehouse connection the attempt loads on, and its cancellation.
/// </summary>
/// <param name="Run">The run, read without tracking; its <see cref="Catalog.Run.Dataset"/> holds the schema planned against.</param>
/// <param name="Attempt">The attempt this worker started; a commit by any other attempt supersedes it.</param>
/// <param name="Settings">The dataset's settings when the attempt began.</param>
/// <param name="Options">How to read the payload; the infer pass may change its encoding.</param>
/// <param name="Connection">The connection the attempt stages and commits on.</param>
/// <param name="Cancellation">Stops the attempt.</param>
internal sealed record RunContext(
    Run Run, int Attempt, DatasetSettings Settings, FormatOptions Options, DbConnection Connection, CancellationToken Cancellation)
{
    /// <summary>The settings' column rules, compiled once per attempt, by the file column they apply to.</summary>
    public IReadOnlyDictionary<string, ColumnRules> Rules { get; } =
        (Settings.Columns ?? []).ToDictionary(c => c.Name, ColumnRules.Compile, StringComparer.Ordinal);

    /// <summary>The dataset's columns when the attempt began, in order; empty before its first load.</summary>
    public List<DatasetColumn> Existing { get; } = [.. Run.Dataset.Columns.OrderBy(c => c.Ordinal)];

    /// <summary>The values read as null besides empty fields.</summary>
    public string[] NullTokens { get; } = [.. Settings.EffectiveNullTokens];

    /// <summary>What the infer pass established about the payload for the stage pass; null before it ran.</summary>
    public EarlierPass? Earlier { get; init; }

    /// <summary>The dataset's table.</summary>
    public string Table => Run.Dataset.TableName;
}
