using System.Globalization;
using Diviora.Core.Ingestion.Readers;

namespace Diviora.Core.Ingestion.Rejects;

/// <summary>Pages through a run's rejects file.</summary>
public sealed class RejectsReader(IRejectsStore store)
{
    /// <summary>Rejects <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="limit"/>, in file order.</summary>
    public async Task<IReadOnlyList<Reject>> ReadPageAsync(string name, long offset, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(name, cancellationToken);
        using var reader = CsvRecordReader.Open(stream, ',', limits: CsvLimits.RowsChecked);
        var page = new List<Reject>(Math.Min(limit, 256));
        while (page.Count < limit && reader.Read())
        {
            if (reader.RowNumber <= offset)
            {
                continue;
            }

            page.Add(new Reject(
                long.Parse(reader[0], CultureInfo.InvariantCulture),
                reader[1].ToString(),
                reader.IsNull(2) ? null : reader[2].ToString(),
                reader[3].ToString()));
        }

        return page;
    }
}
