using System.Data.Common;
using System.Globalization;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Warehouse;

namespace Diviora.Core.Query;

/// <summary>
/// What one column of a dataset holds: row, null and distinct counts, the smallest and largest value, the most
/// frequent values and, for numbers, dates and times, a histogram. Values are typed as the rows Api writes them.
/// </summary>
public sealed record ColumnProfile(
    string Column, string Type, long Rows, long Nulls, long Distinct, object? Min, object? Max,
    IReadOnlyList<ValueCount> Top, IReadOnlyList<HistogramBin>? Histogram);

/// <summary>A value and how many rows hold it.</summary>
public sealed record ValueCount(object? Value, long Count);

/// <summary>
/// One bin of a histogram: the values from <see cref="From"/> up to, not including, <see cref="To"/>; the last bin
/// also holds <see cref="To"/>, the column's largest value.
/// </summary>
public sealed record HistogramBin(object From, object To, long Count);

/// <summary>Profiles dataset columns on any warehouse, in three statements per column: the counts and extremes, the top values, the histogram.</summary>
public sealed class DatasetProfiles(IWarehouse warehouse)
{
    /// <summary>How many of the most frequent values a profile lists.</summary>
    public const int TopValues = 10;

    /// <summary>The bins of a histogram, fewer when an integer or date range has fewer whole steps.</summary>
    public const int Bins = 20;

    private const double SecondsPerDay = 86_400;

    /// <summary>Profiles the column named <paramref name="column"/>, or every column in dataset order when it is null.</summary>
    /// <exception cref="QueryException">The dataset has no such column (parameter <c>column</c>).</exception>
    public async Task<IReadOnlyList<ColumnProfile>> ProfileAsync(Dataset dataset, string? column, CancellationToken cancellationToken)
    {
        var columns = dataset.Columns.OrderBy(c => c.Ordinal).ToList();
        List<DatasetColumn> chosen = column is null ? columns : [QueryParser.ResolveColumn("column", column, columns)];
        var profiles = new List<ColumnProfile>(chosen.Count);
        if (chosen.Count == 0)
        {
            return profiles;
        }

        await using var connection = await warehouse.OpenAsync(cancellationToken);
        foreach (var each in chosen)
        {
            profiles.Add(await ProfileAsync(connection, dataset, each, cancellationToken));
        }

        return profiles;
    }

    private async Task<ColumnProfile> ProfileAsync(DbConnection connection, Dataset dataset, DatasetColumn column, CancellationToken cancellationToken)
    {
        var sql = new ProfileSql(warehouse.Dialect);
        var binned = HasHistogram(column.Type);
        long rows, nulls, distinct;
        object? min, max;
        double lowest = 0, highest = 0;
        await using (var stats = connection.CreateCommand())
        {
            stats.CommandText = sql.Stats(dataset, column, binned);
            if (stats.CommandText.Contains("@limit", StringComparison.Ordinal))
            {
                stats.AddParameter("@offset", 0L);
                stats.AddParameter("@limit", 1L);
            }

            await using var reader = await stats.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            rows = Count(reader.GetValue(0));
            nulls = Count(reader.GetValue(1));
            distinct = Count(reader.GetValue(2));
            min = ColumnValues.FromStored(column.Type, reader.GetValue(3));
            max = ColumnValues.FromStored(column.Type, reader.GetValue(4));
            if (binned && !reader.IsDBNull(5))
            {
                lowest = Convert.ToDouble(reader.GetValue(5), CultureInfo.InvariantCulture);
                highest = Convert.ToDouble(reader.GetValue(6), CultureInfo.InvariantCulture);
            }
        }

        var top = new List<ValueCount>(TopValues);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = sql.Top(dataset, column);
            command.AddParameter("@offset", 0L);
            command.AddParameter("@limit", (long)TopValues);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                top.Add(new ValueCount(ColumnValues.FromStored(column.Type, reader.GetValue(0)), Count(reader.GetValue(1))));
            }
        }

        if (column.Type == ColumnType.Boolean && top.Count > 0)
        {
            min = top.Exists(t => Equals(t.Value, false)) ? false : true;
            max = top.Exists(t => Equals(t.Value, true));
        }

        var values = rows - nulls;
        IReadOnlyList<HistogramBin>? histogram = !binned ? null
            : values == 0 ? []
            : await HistogramAsync(connection, sql, dataset, column, (lowest, highest), (min!, max!), values, cancellationToken);
        return new ColumnProfile(column.Name, ColumnValues.Name(column.Type), rows, nulls, distinct, min, max, top, histogram);
    }

    private static async Task<IReadOnlyList<HistogramBin>> HistogramAsync(
        DbConnection connection, ProfileSql sql, Dataset dataset, DatasetColumn column, (double Low, double High) range, (object Min, object Max) extremes,
        long values, CancellationToken cancellationToken)
    {
        var edges = Edges(column.Type, range.Low, range.High);
        var bins = edges.Length - 1;
        var counts = new long[bins];
        if (bins == 1)
        {
            counts[0] = values;
        }
        else
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql.Histogram(dataset, column, bins);
            for (var i = 1; i < bins; i++)
            {
                command.AddParameter("@h" + i.ToString(CultureInfo.InvariantCulture), edges[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)] = Count(reader.GetValue(1));
            }
        }

        // The outer edges are the column's own smallest and largest values, exactly as the profile gives them.
        var result = new HistogramBin[bins];
        for (var i = 0; i < bins; i++)
        {
            result[i] = new HistogramBin(
                i == 0 ? extremes.Min : Edge(column, edges[i]),
                i == bins - 1 ? extremes.Max : Edge(column, edges[i + 1]),
                counts[i]);
        }

        return result;
    }

    /// <summary>
    /// The bin edges from <paramref name="low"/> to <paramref name="high"/>: equal widths, except that integer and
    /// date edges fall on whole numbers and whole days, at most one bin per step; one bin when the range is empty.
    /// </summary>
    internal static double[] Edges(ColumnType type, double low, double high)
    {
        if (!(high > low))
        {
            return [low, high];
        }

        var step = type switch
        {
            ColumnType.Integer => 1.0,
            ColumnType.Date => SecondsPerDay,
            _ => 0.0,
        };
        var bins = step > 0 ? (int)Math.Min(Bins, Math.Round((high - low) / step)) : Bins;
        bins = Math.Max(bins, 1);
        var edges = new double[bins + 1];
        for (var i = 0; i < bins; i++)
        {
            var edge = low + ((high - low) * i / bins);
            // Times on whole milliseconds, so an edge reads as the instant it is.
            edges[i] = step > 0 ? low + (Math.Floor((edge - low) / step) * step)
                : type is ColumnType.Timestamp or ColumnType.TimestampTz ? Math.Round(edge, 3) : edge;
        }

        edges[bins] = high;
        return edges;
    }

    private static object Edge(DatasetColumn column, double edge) => column.Type switch
    {
        ColumnType.Integer => edge == Math.Floor(edge) ? (object)(long)edge : edge,
        ColumnType.Decimal => (decimal)edge,
        ColumnType.Date => StoredText.Date(DateOnly.FromDateTime(DateTime.UnixEpoch.AddSeconds(edge))),
        ColumnType.Timestamp => StoredText.Timestamp(DateTime.UnixEpoch.AddSeconds(edge)),
        ColumnType.TimestampTz => StoredText.TimestampTz(new DateTimeOffset(DateTime.UnixEpoch.AddSeconds(edge))),
        _ => edge,
    };

    private static bool HasHistogram(ColumnType type) =>
        type is ColumnType.Integer or ColumnType.Decimal or ColumnType.Double or ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampTz;

    private static long Count(object value) => value is DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
