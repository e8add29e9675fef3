using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Query;
using Diviora.Tests.Engine;

namespace Diviora.Tests.Warehouse;

/// <summary>
/// Messy files of every format, loaded into SQLite and into PostgreSQL, give the same runs, column types, rows and
/// rejects. The one documented difference, timestamps with an offset (SQLite keeps the offset as written,
/// PostgreSQL the instant in UTC), is compared as instants.
/// </summary>
[Collection(WarehouseCollection.Name)]
[Trait("Category", "Platform")]
public sealed class SameAnswersTests(WarehouseFixture fixture)
{
    public static TheoryData<string> Files() => [.. Payloads.Keys];

    private static readonly Dictionary<string, (string? Settings, Func<byte[]>[] Runs, string[] Names)> Payloads = new()
    {
        ["csv-every-type"] = (null, [Utf8(
            "id,name,amount,ratio,ok,day,at,seen,code\r\n" +
            "1,\"Müller, Zoë\",12.50,6.02e23,TRUE,2024-02-29,2024-02-29 23:59:59.123456,2024-02-29T23:59:59+05:30,00123\r\n" +
            "2,\"say \"\"hi\"\"\",-0.01,-2.5E-3,false,1999-12-31,1999-12-31T00:00:00,1999-12-31T23:00:00Z,\r\n" +
            "3,,0,,,,,,\"\"\r\n")], ["a.csv"]),
        ["semicolon-windows-1252"] = (null, [() => Encoding.Latin1.GetBytes("id;städte;betrag\n1;Köln;1.5\n2;Düsseldorf;2\n")], ["b.csv"]),
        ["json-nested"] = (null, [Utf8(
            """[{"id": 1, "user": {"name": "Ann", "tags": ["a", "b"]}, "n": 1e3, "ok": true},""" +
            """ {"id": 2, "user": {"name": null}, "n": 2.5, "ok": false, "extra": "x"}, {"id": 3}]""")], ["c.json"]),
        ["jsonl-gzip"] = (null, [() => Gzip("{\"k\": \"a\", \"v\": 1}\n\n{\"k\": \"b\", \"v\": 2.25}\n{\"k\": \"c\", \"v\": null}\n")], ["d.jsonl.gz"]),
        ["dates-day-first"] = (null, [Utf8("d,t\n31/01/2024,13/02/2024 10:00\n01/02/2024,14/02/2024 11:30\n")], ["e.csv"]),
        ["evolving"] = (null, [Utf8("id,q\n1,5\n"), Utf8("id,q,new\n2,2.5,x\n"), Utf8("id,q\n3,many\n")], ["f1.csv", "f2.csv", "f3.csv"]),
        ["rules-and-rejects"] = ("""{"key": ["id"], "columns": [{"name": "id", "type": "integer"}, {"name": "email", "pattern": "^[^@]+@[^@]+$", "trim": true, "case": "lower"}, {"name": "amount", "type": "decimal", "min": 0}]}""",
            [Utf8("id,email,amount\n1, A@X.DE ,1\n2,nope,2\n3,c@d.e,-1\nx,e@f.g,3\n1,dup@x.de,4\n")], ["g.csv"]),
        ["upsert"] = ("""{"mode": "upsert", "key": ["id"]}""", [Utf8("id,v\n1,a\n2,b\n"), Utf8("id,v\n2,B\n3,c\n3,C\n")], ["h1.csv", "h2.csv"]),
        ["excel"] = (null, [Excel], ["i.xlsx"]),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task The_same_file_gives_the_same_answers_on_sqlite_and_postgres(string file)
    {
        var answers = new List<string>();
        foreach (var kind in new[] { "sqlite", "postgres" })
        {
            await using var engine = await fixture.EngineAsync(kind);
            answers.Add(await AnswerAsync(engine, file));
        }

        Assert.Equal(answers[0], answers[1]);
        Assert.Contains("Succeeded", answers[0], StringComparison.Ordinal);
        Assert.Contains(" | ", answers[0], StringComparison.Ordinal);
    }

    private static async Task<string> AnswerAsync(EngineHost engine, string file)
    {
        var (settings, runs, names) = Payloads[file];
        if (settings is not null)
        {
            await engine.SetSettingsAsync(file, settings);
        }

        var summary = new StringBuilder();
        for (var i = 0; i < runs.Length; i++)
        {
            var run = await engine.LoadAsync(file, runs[i](), names[i]);
            summary.Append(CultureInfo($"{run.Status} read {run.RowsRead} loaded {run.RowsLoaded} rejected {run.RowsRejected} format {run.Format} error {run.Error}\n"));
            if (run.RejectsBlob is not null)
            {
                foreach (var reject in await engine.Get<RejectsReader>().ReadPageAsync(run.RejectsBlob, 0, 100, CancellationToken.None))
                {
                    summary.Append(CultureInfo($"  reject {reject.RowNumber} {reject.Column} {reject.Value} {reject.Reason}\n"));
                }
            }
        }

        var dataset = await engine.DatasetAsync(file);
        foreach (var column in dataset.Columns.OrderBy(c => c.Ordinal))
        {
            summary.Append(CultureInfo($"column {column.Name} {column.Type} nullable {column.Nullable} {column.Precision} {column.Scale}\n"));
        }

        var page = await engine.Get<DatasetQueries>().ReadAsync(dataset, new RowsRequest { Limit = DatasetQueries.MaxLimit }, CancellationToken.None);
        foreach (var row in page.Rows)
        {
            summary.Append(string.Join(" | ", row.Select(p => $"{p.Key}={Normalise(p.Value)}"))).Append('\n');
        }

        return summary.ToString();
    }

    /// <summary>Timestamps with an offset as UTC instants; everything else as its JSON text.</summary>
    private static string Normalise(object? value) =>
        value is string text && DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var instant)
            ? instant.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)
            : JsonSerializer.Serialize(value);

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);

    private static Func<byte[]> Utf8(string text) => () => Encoding.UTF8.GetBytes(text);

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private static byte[] Excel()
    {
        using var buffer = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(buffer, new[]
        {
            new Dictionary<string, object?> { ["id"] = 1, ["name"] = "a", ["when"] = new DateTime(2024, 1, 31, 10, 0, 0), ["price"] = 1.25m, ["flag"] = true },
            new Dictionary<string, object?> { ["id"] = 2, ["name"] = null, ["when"] = new DateTime(2024, 2, 1), ["price"] = 3m, ["flag"] = false },
        });
        return buffer.ToArray();
    }
}
