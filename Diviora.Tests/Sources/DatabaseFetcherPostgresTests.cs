using System.Globalization;
using System.Text;
using System.Text.Json;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Secrets;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Database;
using Diviora.Tests.Infrastructure;
using Npgsql;

namespace Diviora.Tests.Sources;

/// <summary>
/// The database fetcher against a real PostgreSQL server whose rows change between runs. The session's time zone is
/// New York, so a cursor compared in the wrong time zone would miss rows or fetch them twice.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Platform")]
public sealed class DatabaseFetcherPostgresTests(PostgresServer postgres)
{
    private const string Password = "Sup3r-secret-pw-4711";

    [Theory]
    [InlineData("timestamptz", "2026-01-02T06:00:00.0001800Z")]
    [InlineData("timestamp", "2026-01-02T06:00:00.0001800")]
    [InlineData("integer", "1800")]
    [InlineData("text", "v001800")]
    public async Task Incremental_runs_fetch_everything_then_only_changed_rows_for_a_column_of_type(string type, string lastOfFirstRun)
    {
        var connectionString = await DatabaseAsync("dbsource_" + type);
        // Row i has version i * 10 in the column's type: i * 10 minutes and i µs after 2026-01-01 00:00 UTC, a number, or text.
        var version = type switch
        {
            "timestamptz" => "timestamptz '2026-01-01 00:00:00+00' + make_interval(mins => {0}) + make_interval(secs => {0} / 10000000.0)",
            "timestamp" => "timestamp '2026-01-01 00:00:00' + make_interval(mins => {0}) + make_interval(secs => {0} / 10000000.0)",
            "integer" => "{0}",
            _ => "'v' || lpad(({0})::text, 6, '0')",
        };
        string Version(string i) => string.Format(CultureInfo.InvariantCulture, version, $"({i}) * 10");
        await ExecuteAsync(connectionString,
            $"create table items (id integer primary key, name text, changed {type}); " +
            $"insert into items select i, 'item ' || i, {Version("i")} from generate_series(1, 180) i; " +
            "insert into items values (999, 'never stamped', null)");
        var fetcher = Fetcher(connectionString);
        var settings = Settings("select * from items") with { Incremental = new DatabaseIncremental { Column = "changed" } };

        var (first, all) = await DatabaseFetch.RunAsync(fetcher, settings, null);
        Assert.Equal(181, all.Count);
        Assert.Equal(lastOfFirstRun, first.NewCursor);
        Assert.Equal(first.NewCursor, all.Last(row => row.GetProperty("changed").ValueKind != JsonValueKind.Null).GetProperty("changed").ToString());

        await ExecuteAsync(connectionString,
            $"update items set changed = {Version("190")} where id = 20; update items set changed = {Version("181")} where id = 7; " +
            $"update items set changed = {Version("180")} where id = 3; insert into items values (181, 'new', {Version("200")}), (1000, 'new, never stamped', null)");
        var (second, changed) = await DatabaseFetch.RunAsync(fetcher, settings, first.NewCursor);
        Assert.Equal([7, 20, 181], changed.Select(row => row.GetProperty("id").GetInt32()));
        Assert.Equal(changed[^1].GetProperty("changed").ToString(), second.NewCursor);

        var (third, none) = await DatabaseFetch.RunAsync(fetcher, settings, second.NewCursor);
        Assert.Empty(none);
        Assert.Equal(new DatabaseFetchResult(0, second.NewCursor), third);
    }

    [Fact]
    public async Task Values_are_written_with_their_types_and_read_back_the_same()
    {
        var fetcher = Fetcher(await DatabaseAsync("dbsource_types"));
        var query = """
            select 7::smallint as small, 2147483647 as int, 9223372036854775807 as big, 12.50::numeric(12,2) as amount,
                   12345678901234567890.123456789 as wide, 0.1::real as real, 0.1::float8 as double, 'NaN'::float8 as nan,
                   true as yes, E'Zoë "quoted"\nline' as text, date '2026-02-28' as day, time '23:59:59.123456' as at,
                   timestamp '2026-05-04 10:15:00.5' as local, timestamptz '2026-05-04 12:15:00+02' as instant,
                   interval '1 day 02:03:04' as span, 'a3bb189e-8bf9-3888-9912-ace4e6543002'::uuid as id,
                   '\x00ff10'::bytea as bytes, '{"a": [1, 2]}'::jsonb as doc, array[1, 2, null] as ints, array['x', 'y'] as texts,
                   null::text as nothing, 1 as dup, 2 as dup
            """;

        using var output = new MemoryStream();
        await fetcher.FetchAsync(Settings(query), null, output, CancellationToken.None);

        var line = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(
            """{"small":7,"int":2147483647,"big":9223372036854775807,"amount":12.50,"wide":12345678901234567890.123456789,"real":0.1,"double":0.1,"nan":"NaN","yes":true,"text":"Zoë \"quoted\"\nline","day":"2026-02-28","at":"23:59:59.1234560","local":"2026-05-04T10:15:00.5000000","instant":"2026-05-04T10:15:00.0000000Z","span":"1.02:03:04","id":"a3bb189e-8bf9-3888-9912-ace4e6543002","bytes":"AP8Q","doc":"{\"a\": [1, 2]}","ints":[1,2,null],"texts":["x","y"],"nothing":null,"dup":1,"dup_2":2}""" + "\n",
            line);
        var row = JsonDocument.Parse(line).RootElement;
        Assert.Equal(12.50m, row.GetProperty("amount").GetDecimal());
        Assert.Equal(long.MaxValue, row.GetProperty("big").GetInt64());
        Assert.Equal(0.1f, row.GetProperty("real").GetSingle());
        Assert.Equal(new DateTime(2026, 5, 4, 10, 15, 0, DateTimeKind.Utc), row.GetProperty("instant").GetDateTime());
        Assert.Equal(DateTimeKind.Utc, row.GetProperty("instant").GetDateTime().Kind);
        Assert.Equal(new byte[] { 0, 255, 16 }, row.GetProperty("bytes").GetBytesFromBase64());
        Assert.Equal(Guid.Parse("a3bb189e-8bf9-3888-9912-ace4e6543002"), row.GetProperty("id").GetGuid());

        using var reader = JsonRecordReader.Open(new MemoryStream(output.ToArray()), JsonRecordFormat.Lines);
        Assert.True(reader.Read());
        Assert.Equal("12.50", reader[reader.Header.ToList().IndexOf("amount")].ToString());
        Assert.Equal("2026-05-04T10:15:00.0000000Z", reader[reader.Header.ToList().IndexOf("instant")].ToString());
    }

    [Fact]
    public async Task A_value_the_driver_cannot_read_names_the_row_and_column_and_how_to_get_it()
    {
        var fetcher = Fetcher(await DatabaseAsync("dbsource_numeric"));

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(
            Settings("select g as id, case when g = 3 then 1e40 else g end::numeric as amount from generate_series(1, 5) g"), null, Stream.Null, CancellationToken.None));

        Assert.StartsWith("Row 3, column 'amount' (numeric) of the PostgreSQL query cannot be read as Decimal: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Convert it in the query, for example to text.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_read_only_transaction_refuses_writes_that_pass_the_guard_and_the_rows_remain()
    {
        var connectionString = await DatabaseAsync("dbsource_readonly");
        await ExecuteAsync(connectionString, "create table items (id integer primary key); insert into items select generate_series(1, 5); create sequence ids");
        var fetcher = Fetcher(connectionString);
        string[] writing =
        [
            "with gone as (delete from items returning *) select * from gone",
            "select * into copied from items",
            "select nextval('ids')",
            "select set_config('transaction_read_only', 'off', true), * from items",
        ];

        foreach (var query in writing)
        {
            Assert.Null(ReadOnlyQuery.Check(query));
            var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings(query), null, Stream.Null, CancellationToken.None));
            // 25006: cannot execute ... in a read-only transaction; 25001: read-write mode must be set before any query.
            Assert.Matches("^The PostgreSQL query failed: (25006|25001): ", error.Message);
        }

        Assert.Equal(5L, await ScalarAsync(connectionString, "select count(*) from items"));
        Assert.Equal(0L, await ScalarAsync(connectionString, "select count(*) from pg_tables where tablename = 'copied'"));
    }

    [Fact]
    public async Task A_missing_or_ambiguous_incremental_column_names_the_columns_there_are()
    {
        var connectionString = await DatabaseAsync("dbsource_columns");
        await ExecuteAsync(connectionString, "create table items (id integer, \"Name\" text, name text, active boolean)");
        var fetcher = Fetcher(connectionString);
        Task<DatabaseFetchException> Following(string column, string cursor = "1") => Assert.ThrowsAsync<DatabaseFetchException>(() =>
            fetcher.FetchAsync(Settings("select * from items") with { Incremental = new DatabaseIncremental { Column = column } }, cursor, Stream.Null, CancellationToken.None));

        var missing = await Following("updated_at");
        var ambiguous = await Following("NAME");
        var boolean = await Following("active");
        var notANumber = await Following("ID", cursor: "one");

        Assert.Equal("The incremental column 'updated_at' is not in the result of the PostgreSQL query. Its columns: id, Name, name, active.", missing.Message);
        Assert.StartsWith("The incremental column 'NAME' is more than one column of the result of the PostgreSQL query (Name, name)", ambiguous.Message, StringComparison.Ordinal);
        Assert.StartsWith("The incremental column 'active' of the PostgreSQL query is of type boolean, which a cursor cannot follow", boolean.Message, StringComparison.Ordinal);
        Assert.StartsWith("The last cursor 'one' cannot be read as a value of the incremental column 'id' (integer) of the PostgreSQL query: ", notANumber.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_the_password_nor_the_connection_string_appears_in_any_message()
    {
        var connectionString = await DatabaseAsync("dbsource_secrets");
        var withPassword = new NpgsqlConnectionStringBuilder(connectionString) { Password = Password }.ConnectionString;
        var closed = new NpgsqlConnectionStringBuilder(withPassword) { Port = LocalPorts.Free() }.ConnectionString;
        var fetcher = new DatabaseFetcher(FixedSecrets.Of(new() { ["erp-db"] = withPassword, ["down-db"] = closed }), LoopbackPolicy.Instance,
            new DatabaseFetchOptions { ConnectTimeout = TimeSpan.FromSeconds(5) });
        var messages = new List<string>();

        var failed = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings("select * from missing_table"), null, Stream.Null, CancellationToken.None));
        var down = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings("select 1") with { Connection = "secret:down-db" }, null, Stream.Null, CancellationToken.None));
        var missing = await Assert.ThrowsAsync<SecretException>(() => fetcher.FetchAsync(Settings("select 1") with { Connection = "secret:nope" }, null, Stream.Null, CancellationToken.None));
        messages.AddRange([failed.ToString(), down.ToString(), missing.ToString()]);

        Assert.StartsWith("The PostgreSQL query failed: 42P01: relation \"missing_table\" does not exist", failed.Message, StringComparison.Ordinal);
        Assert.StartsWith("Cannot connect to the PostgreSQL database: ", down.Message, StringComparison.Ordinal);
        Assert.Equal("nope", missing.SecretName);
        Assert.All(messages, m => Assert.DoesNotContain(Password, m, StringComparison.Ordinal));
        Assert.All(messages, m => Assert.DoesNotContain(withPassword, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Max_rows_stops_a_large_result_early_and_leaves_the_connection_usable()
    {
        var fetcher = Fetcher(await DatabaseAsync("dbsource_maxrows"));
        // 40 million rows of 100 bytes, streamed: a cross join of two small series, not one series materialized first.
        var endless = Settings("select a * 1000 + b as id, repeat('x', 100) as filler from generate_series(0, 39999) a, generate_series(1, 1000) b");

        var started = System.Diagnostics.Stopwatch.StartNew();
        var (one, rows) = await DatabaseFetch.RunAsync(fetcher, endless, null, maxRows: 1);
        var elapsed = started.Elapsed;
        var (again, _) = await DatabaseFetch.RunAsync(fetcher, Settings("select 1 as one"), null);

        Assert.Equal(new DatabaseFetchResult(1, null), one);
        Assert.Equal(1, again.Records);
        // Closing a reader reads the rest of the result: 4 GB, about 10 s here. Cancelling it takes well under 1 s.
        Assert.True(elapsed < TimeSpan.FromSeconds(4), $"took {elapsed}");
    }

    private static DatabaseSettings Settings(string query) => new() { Provider = "postgres", Connection = "secret:erp-db", Query = query };

    private static DatabaseFetcher Fetcher(string connectionString) => DatabaseFetch.Fetcher(("erp-db", connectionString));

    /// <summary>A database of its own, with the session time zone New York (the server's own is UTC).</summary>
    private async Task<string> DatabaseAsync(string prefix) =>
        new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync(prefix)) { Timezone = "America/New_York" }.ConnectionString;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
