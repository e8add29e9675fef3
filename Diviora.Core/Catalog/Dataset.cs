using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Catalog;

/// <summary>A named, typed table of rows that runs load into.</summary>
public sealed class Dataset
{
    public int Id { get; set; }

    /// <summary>The name as the user wrote it; see <see cref="DatasetName"/> for the rule.</summary>
    public required string Name { get; set; }

    /// <summary>The lower-case name; dataset names are unique regardless of case.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>The warehouse table holding the rows; derived from the validated name, never from raw input.</summary>
    public required string TableName { get; set; }

    public long RowCount { get; set; }

    /// <summary>The dataset's <see cref="DatasetSettings"/> as JSON; null for the defaults.</summary>
    public string? Settings { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When a run last loaded rows; null before the first successful run.</summary>
    public DateTime? UpdatedAt { get; set; }

    /// <summary>Who last changed the settings, and when; null while they were never changed (or before it was recorded).</summary>
    public string? SettingsUpdatedBy { get; set; }

    /// <inheritdoc cref="SettingsUpdatedBy"/>
    public DateTime? SettingsUpdatedAt { get; set; }

    /// <summary>A new, empty dataset named <paramref name="name"/>, which must follow <see cref="DatasetName"/>'s rule.</summary>
    public static Dataset Create(string name, DateTime createdAt) => new()
    {
        Name = name,
        NormalizedName = name.ToLowerInvariant(),
        TableName = DatasetName.TableNameFor(name),
        CreatedAt = createdAt,
    };

    /// <summary>The dataset named <paramref name="name"/> (ignoring case), created empty when there is none.</summary>
    public static async Task<Dataset> FindOrCreateAsync(CatalogDbContext catalog, string name, DateTime now, CancellationToken cancellationToken)
    {
        var normalized = name.ToLowerInvariant();
        if (await catalog.Datasets.SingleOrDefaultAsync(d => d.NormalizedName == normalized, cancellationToken) is { } existing)
        {
            return existing;
        }

        var dataset = Create(name, now);
        catalog.Datasets.Add(dataset);
        try
        {
            await catalog.SaveChangesAsync(cancellationToken);
            return dataset;
        }
        catch (DbUpdateException)
        {
            // Another run created it a moment ago.
            catalog.Entry(dataset).State = EntityState.Detached;
            return await catalog.Datasets.SingleAsync(d => d.NormalizedName == normalized, cancellationToken);
        }
    }

    /// <summary>Columns in file order; empty until the first successful run gives the dataset a schema.</summary>
    public List<DatasetColumn> Columns { get; set; } = [];
}
