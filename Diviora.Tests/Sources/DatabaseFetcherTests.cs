using System.Data;
using System.Text;
using System.Text.Json;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Secrets;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Database;
using Diviora.Tests.Infrastructure;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Diviora.Tests.Sources;

/// <summary>
/// The database fetcher against real SQLite files, and what can be checked of SQL Server without a server: there is none
/// on these machines, so its connection string, quoting and cursor parameter are checked through SqlClient's own types,
/// and a connection to a closed port shows its errors. PostgreSQL has <see cref="DatabaseFetcherPostgresTests"/>.
/// </summary>
[Trait("Category", "Platform")]
public sealed class DatabaseFetcherTests : IDisposable
{
    private const string Password = "pa55-w0rd-never-shown";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "diviora-dbsource-" + Guid.NewGuid().ToString("N"));

    public DatabaseFetcherTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Sqlite_incremental_runs_fetch_everything_then_only_rows_past_the_cursor_in_cursor_order()
    {
        var path = await ItemsDatabaseAsync(100);
        var fetcher = Fetcher(("shop-db", $"Data Source={path}"));
        // The trailing ";" and comment must not break the select the query is wrapped in.
        var settings = Settings("select id, name, updated_at from items; -- every item") with { Incremental = new DatabaseIncremental { Column = "UPDATED_AT" } };

        var (first, all) = await DatabaseFetch.RunAsync(fetcher, settings, null);
        Assert.Equal(101, all.Count);
        Assert.Equal(new DatabaseFetchResult(101, Stamp(100)), first);
        Assert.Contains(all, row => row.GetProperty("id").GetInt64() == 999 && row.GetProperty("updated_at").ValueKind == JsonValueKind.Null);

        await ExecuteAsync(path, $"update items set updated_at = '{Stamp(101)}' where id = 20; update items set updated_at = '{Stamp(102)}' where id = 10; " +
            $"insert into items (id, name, updated_at) values (101, 'new', '{Stamp(103)}'), (1000, 'no stamp', null)");
        var (second, changed) = await DatabaseFetch.RunAsync(fetcher, settings, first.NewCursor);
        Assert.Equal([20, 10, 101], changed.Select(row => row.GetProperty("id").GetInt64()));
        Assert.Equal(new DatabaseFetchResult(3, Stamp(103)), second);

        var (third, none) = await DatabaseFetch.RunAsync(fetcher, settings, second.NewCursor);
        Assert.Empty(none);
        Assert.Equal(new DatabaseFetchResult(0, Stamp(103)), third);
    }

    [Fact]
    public async Task Sqlite_integer_cursors_compare_as_numbers_even_on_a_computed_column()
    {
        var path = await ItemsDatabaseAsync(12);
        var fetcher = Fetcher(("shop-db", $"Data Source={path}"));
        var declared = Settings("select id, name from items where id < 999") with { Incremental = new DatabaseIncremental { Column = "id" } };
        var computed = Settings("select id * 1 as version, name from items where id < 999") with { Incremental = new DatabaseIncremental { Column = "version" } };

        var (fromDeclared, declaredRows) = await DatabaseFetch.RunAsync(fetcher, declared, "9");
        var (fromComputed, computedRows) = await DatabaseFetch.RunAsync(fetcher, computed, "9");

        Assert.Equal([10, 11, 12], declaredRows.Select(row => row.GetProperty("id").GetInt64()));
        Assert.Equal([10, 11, 12], computedRows.Select(row => row.GetProperty("version").GetInt64()));
        Assert.Equal(("12", "12"), (fromDeclared.NewCursor, fromComputed.NewCursor));
    }

    [Fact]
    public async Task Sqlite_values_keep_their_types_and_repeated_names_become_unique()
    {
        var path = await ItemsDatabaseAsync(0);
        var fetcher = Fetcher(("shop-db", $"Data Source={path}"));
        var query = """
            select 9007199254740993 as big, 0.1 as tenth, 'Zoë "quoted"' || char(10) || 'line' as text, x'00ff10' as bytes, null as missing,
                   1 as a, 2 as a, 3 as "" -- a trailing comment
            """;

        using var output = new MemoryStream();
        var result = await fetcher.FetchAsync(Settings(query), null, output, CancellationToken.None);

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(1, result.Records);
        Assert.Equal("""{"big":9007199254740993,"tenth":0.1,"text":"Zoë \"quoted\"\nline","bytes":"AP8Q","missing":null,"a":1,"a_2":2,"column_8":3}""" + "\n", text);
        using var reader = JsonRecordReader.Open(new MemoryStream(output.ToArray()), JsonRecordFormat.Lines);
        Assert.Equal(["big", "tenth", "text", "bytes", "missing", "a", "a_2", "column_8"], reader.Header);
        Assert.True(reader.Read());
        Assert.Equal("9007199254740993", reader[0].ToString());
        Assert.True(reader.IsNull(4));
    }

    [Fact]
    public async Task Sqlite_opens_read_only_so_a_writing_statement_that_passes_the_guard_fails_and_the_rows_remain()
    {
        var path = await ItemsDatabaseAsync(5);
        var fetcher = Fetcher(("shop-db", $"Data Source={path};Mode=ReadWriteCreate"));
        var writing = "with doomed as (select id from items) delete from items where id in (select id from doomed)";
        Assert.Null(ReadOnlyQuery.Check(writing));

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings(writing), null, Stream.Null, CancellationToken.None));

        Assert.Equal("database.query must be one statement that only reads: it asks to change the table items.", error.Message);
        Assert.Equal(6L, await ScalarAsync(path, "select count(*) from items"));
    }

    [Fact]
    public async Task Sqlite_does_not_create_a_missing_file()
    {
        var missing = Path.Combine(_directory, "typo.db");
        var fetcher = Fetcher(("shop-db", $"Data Source={missing}"));

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings("select 1"), null, Stream.Null, CancellationToken.None));

        Assert.StartsWith("Cannot connect to the SQLite database: ", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task A_missing_incremental_column_names_the_columns_there_are_and_a_bad_name_never_reaches_sql()
    {
        var path = await ItemsDatabaseAsync(3);
        var fetcher = Fetcher(("shop-db", $"Data Source={path}"));
        var settings = Settings("select id, name from items") with { Incremental = new DatabaseIncremental { Column = "updated_at" } };

        var missing = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(settings, null, Stream.Null, CancellationToken.None));
        var injected = await Assert.ThrowsAsync<ArgumentException>(() => fetcher.FetchAsync(
            settings with { Incremental = new DatabaseIncremental { Column = "id; drop table items" } }, null, Stream.Null, CancellationToken.None));

        Assert.Equal("The incremental column 'updated_at' is not in the result of the SQLite query. Its columns: id, name.", missing.Message);
        Assert.StartsWith("database.incremental.column 'id; drop table items' may hold only letters, digits and '_'", injected.Message, StringComparison.Ordinal);
        Assert.Equal(4L, await ScalarAsync(path, "select count(*) from items"));
    }

    [Fact]
    public async Task Two_hundred_thousand_rows_stream_through_in_pieces_without_the_output_held_in_memory()
    {
        var fetcher = Fetcher(("shop-db", $"Data Source={Path.Combine(_directory, "empty.db")};Mode=ReadWriteCreate"));
        await ExecuteAsync(Path.Combine(_directory, "empty.db"), "create table t (x integer)");
        var settings = Settings("with recursive n(i) as (select 1 union all select i + 1 from n where i < 200000) select i as id, i * 2 as doubled, i * 0.5 as half from n");
        var output = new CountingStream();

        // SQLite and this stream complete every call at once, so the whole fetch runs on this thread and the bytes
        // allocated on it are the fetch's own.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var fetch = fetcher.FetchAsync(settings, null, output, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(fetch.IsCompletedSuccessfully, $"the fetch is {fetch.Status}");
        Assert.Equal(200_000, (await fetch).Records);
        Assert.Equal(200_000, output.Lines);
        Assert.True(output.Length > 8_000_000, $"{output.Length} bytes written");
        Assert.True(output.LargestWrite <= 128 * 1024, $"a write of {output.LargestWrite} bytes");
        Assert.True(allocated < output.Length / 20, $"{allocated} bytes allocated for {output.Length} written");
    }

    [Fact]
    public async Task Max_rows_stops_after_that_many()
    {
        var path = await ItemsDatabaseAsync(50);
        var fetcher = Fetcher(("shop-db", $"Data Source={path}"));

        var (one, rows) = await DatabaseFetch.RunAsync(fetcher, Settings("select id, name from items order by id"), null, maxRows: 1);
        var (none, _) = await DatabaseFetch.RunAsync(fetcher, Settings("select id from items"), null, maxRows: 0);

        Assert.Equal(new DatabaseFetchResult(1, null), one);
        Assert.Equal(1, rows[0].GetProperty("id").GetInt64());
        Assert.Equal(0, none.Records);
    }

    [Fact]
    public async Task A_missing_secret_is_the_stores_own_error_and_a_password_never_appears_in_a_message()
    {
        var path = await ItemsDatabaseAsync(1);
        var fetcher = Fetcher(("shop-db", $"Data Source={path};Password={Password}"), ("broken", $"Data Sourcery={path};Password={Password}"));
        var messages = new List<string>();

        var missing = await Assert.ThrowsAsync<SecretException>(() => fetcher.FetchAsync(Settings("select 1") with { Connection = "secret:nope" }, null, Stream.Null, CancellationToken.None));
        messages.Add(missing.ToString());
        var encrypted = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings("select 1"), null, Stream.Null, CancellationToken.None));
        messages.Add(encrypted.ToString());
        var malformed = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings("select 1") with { Connection = "secret:broken" }, null, Stream.Null, CancellationToken.None));
        messages.Add(malformed.ToString());

        Assert.Equal("nope", missing.SecretName);
        Assert.StartsWith("Cannot connect to the SQLite database: ", encrypted.Message, StringComparison.Ordinal);
        Assert.StartsWith("The connection string in secret:broken is not a valid SQLite connection string: ", malformed.Message, StringComparison.Ordinal);
        Assert.All(messages, m => Assert.DoesNotContain(Password, m, StringComparison.Ordinal));
        Assert.All(messages, m => Assert.DoesNotContain(path, m, StringComparison.Ordinal));
    }

    [Fact]
    public void Sql_server_connects_with_read_only_intent_and_the_fetch_timeouts_keeping_the_rest()
    {
        var (builder, password) = SqlServerProvider.Instance.Prepare(
            $"Server=tcp:erp.example.com,1433;Database=erp;User ID=reader;Password={Password};Connect Timeout=5;Encrypt=True",
            new DatabaseFetchOptions { ConnectTimeout = TimeSpan.FromSeconds(12), CommandTimeout = TimeSpan.FromMinutes(3) }) switch
            {
                (SqlConnectionStringBuilder sql, var pw) => (sql, pw),
                var other => throw new InvalidOperationException($"{other.Builder.GetType()} is not SqlClient's builder"),
            };

        Assert.Equal(ApplicationIntent.ReadOnly, builder.ApplicationIntent);
        Assert.Equal((12, 180), (builder.ConnectTimeout, builder.CommandTimeout));
        Assert.Equal(("tcp:erp.example.com,1433", "erp", "reader"), (builder.DataSource, builder.InitialCatalog, builder.UserID));
        Assert.Equal(Password, password);
    }

    [Fact]
    public void Sql_server_gets_the_cursor_column_quoted_and_the_cursor_as_a_datetime2_parameter()
    {
        Assert.Equal(
            "SELECT * FROM (\nselect * from dbo.orders -- open ones\n) AS diviora_q WHERE diviora_q.[Updated_At] > @diviora_cursor ORDER BY diviora_q.[Updated_At]",
            WrappedQuery.Incremental(SqlServerProvider.Instance, "select * from dbo.orders -- open ones", "Updated_At", withCursor: true));
        Assert.Equal("[a]]b]", SqlServerProvider.Instance.Quote("a]b"));
        Assert.Equal("\"a\"\"b\"", PostgresProvider.Instance.Quote("a\"b"));

        // A result with a DateTime column, the field type SqlClient gives datetime2 (and datetime) columns.
        using var table = new DataTable();
        table.Columns.Add("id", typeof(int));
        table.Columns.Add("Updated_At", typeof(DateTime));
        using var shape = table.CreateDataReader();
        var column = IncrementalColumn.Find(shape, "updated_at", SqlServerProvider.Instance);
        using var command = new SqlCommand();
        column.AddCursor(command, SqlServerProvider.Instance.CursorParameterName, "2026-05-04T10:15:00.1234567");

        var parameter = command.Parameters[0];
        Assert.Equal(("Updated_At", 1), (column.Name, column.Ordinal));
        Assert.Equal(SqlDbType.DateTime2, parameter.SqlDbType);
        Assert.Equal(new DateTime(2026, 5, 4, 10, 15, 0, DateTimeKind.Unspecified).AddTicks(1234567), parameter.Value);
        Assert.Equal(DateTimeKind.Unspecified, ((DateTime)parameter.Value).Kind);
        var notADate = Assert.Throws<DatabaseFetchException>(() => column.AddCursor(command, "@other", "yesterday"));
        Assert.StartsWith("The last cursor 'yesterday' cannot be read as a value of the incremental column 'Updated_At' (DateTime) of the SQL Server query: ", notADate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_server_that_cannot_be_reached_says_so_without_the_password()
    {
        var port = LocalPorts.Free();
        var fetcher = new DatabaseFetcher(
            FixedSecrets.Of(new() { ["erp-db"] = $"Server=tcp:127.0.0.1,{port};Database=erp;User ID=reader;Password={Password};Encrypt=False;Connect Retry Count=0" }),
            LoopbackPolicy.Instance,
            new DatabaseFetchOptions { ConnectTimeout = TimeSpan.FromSeconds(3) });
        var settings = new DatabaseSettings { Provider = "sqlserver", Connection = "secret:erp-db", Query = "select * from orders" };

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(settings, null, Stream.Null, CancellationToken.None));

        Assert.StartsWith("Cannot connect to the SQL Server database: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static DatabaseSettings Settings(string query) => new() { Provider = "sqlite", Connection = "secret:shop-db", Query = query };

    /// <summary>A fetcher whose SQLite sources may open files in this test's folder.</summary>
    private DatabaseFetcher Fetcher(params (string Name, string Value)[] secrets) =>
        new(FixedSecrets.Of(secrets.ToDictionary(s => s.Name, s => s.Value)), LoopbackPolicy.Instance, new DatabaseFetchOptions { SqliteFolder = _directory });

    private static string Stamp(int minute) => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(minute).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A SQLite file with <paramref name="count"/> items stamped a minute apart, and item 999 without a stamp.</summary>
    private async Task<string> ItemsDatabaseAsync(int count)
    {
        var path = Path.Combine(_directory, $"shop-{Guid.NewGuid():N}.db");
        var rows = string.Concat(Enumerable.Range(1, count).Select(i => $"({i}, 'item {i}', '{Stamp(i)}'), "));
        await ExecuteAsync(path, $"create table items (id integer primary key, name text not null, updated_at text); insert into items values {rows}(999, 'unstamped', null)");
        return path;
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Counts what is written (bytes, lines, the largest single write) and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        public long Lines { get; private set; }

        public int LargestWrite { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Position += buffer.Length;
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            Lines += buffer.Count((byte)'\n');
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>What the database fetcher tests share: a secret store in memory, and a fetch read back as JSON.</summary>
internal static class DatabaseFetch
{
    public static DatabaseFetcher Fetcher(params (string Name, string Value)[] secrets) =>
        new(FixedSecrets.Of(secrets.ToDictionary(s => s.Name, s => s.Value)), LoopbackPolicy.Instance);

    /// <summary>Fetches into memory and parses every line, checking that each is one object ending in <c>\n</c>.</summary>
    public static async Task<(DatabaseFetchResult Result, List<JsonElement> Rows)> RunAsync(DatabaseFetcher fetcher, DatabaseSettings settings, string? cursor, long? maxRows = null)
    {
        Assert.Null(settings.Validate());
        using var output = new MemoryStream();
        var result = await fetcher.FetchAsync(settings, cursor, output, CancellationToken.None, maxRows);
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.True(text.Length == 0 || text.EndsWith('\n'));
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(rows, row => Assert.Equal(JsonValueKind.Object, row.ValueKind));
        Assert.Equal(result.Records, rows.Count);
        return (result, rows);
    }
}
