using System.Diagnostics;
using System.Text.Json;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Database;
using Diviora.Tests.Infrastructure;
using Npgsql;

namespace Diviora.Tests.Sources;

/// <summary>
/// A PostgreSQL source cannot write, whatever its query: each attack runs as a login that may create tables and write
/// to <c>t</c>, and afterwards <c>t</c> still holds its three rows, no table was created and the sequence never moved.
/// Attacks with more than one statement are also sent past the fetcher's text check, straight through the provider, to
/// show that the server itself refuses them. Each has a positive control that still works.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Platform")]
public sealed class DatabaseFetcherPostgresReadOnlyTests(PostgresServer postgres)
{
    // What PostgreSQL answers when one Parse message holds two statements.
    private const string OneStatementOnly = "42601: cannot insert multiple commands into a prepared statement";

    [Theory]
    [InlineData("select 1; commit; create table pwned(x int)")]
    [InlineData("select E'\\';' ; commit; insert into t values (100)")]
    [InlineData("select $$;$$; commit; insert into t values (101)")]
    [InlineData("select $tag$;$tag$ as x; commit; create table pwned(x int)")]
    [InlineData("select 1; set transaction read write; insert into t values (102)")]
    [InlineData("select 1 /* a /* nested */ comment */; commit; create table pwned(x int)")]
    public async Task A_second_statement_never_runs_however_the_text_hides_it(string attack)
    {
        await using var database = await WriterDatabase.CreateAsync(postgres);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => FetchAsync(database.Writer, attack));
        var byTheServer = await Assert.ThrowsAsync<PostgresException>(() => database.RunPastTheTextCheckAsync(attack));

        Assert.True(refused is ArgumentException or DatabaseFetchException, refused.ToString());
        Assert.StartsWith("database.query ", refused.Message, StringComparison.Ordinal);
        Assert.Equal(OneStatementOnly, byTheServer.Message);
        await database.AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_connection_that_reads_backslash_escapes_in_plain_strings_fools_the_text_check_but_not_the_server()
    {
        await using var database = await WriterDatabase.CreateAsync(postgres);
        // With standard_conforming_strings off, 'a\'' is the text a' and the rest is two more statements; the text
        // check reads one string to the end of the line.
        var writer = new NpgsqlConnectionStringBuilder(database.Writer) { Options = "-c standard_conforming_strings=off" }.ConnectionString;
        const string Attack = "select 'a\\'' ; commit; create table pwned(x int) -- '";
        Assert.Null(ReadOnlyQuery.Check(Attack));

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => FetchAsync(writer, Attack));

        Assert.Equal($"The PostgreSQL query failed: {OneStatementOnly}", error.Message);
        await database.AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("with d as (delete from t returning *) select * from d")]
    [InlineData("select nextval('s')")]
    [InlineData("select bump()")]
    [InlineData("select * into copied from t")]
    [InlineData("select set_config('transaction_read_only', 'off', true), * from t")]
    public async Task One_statement_that_writes_is_refused_by_the_read_only_transaction(string attack)
    {
        await using var database = await WriterDatabase.CreateAsync(postgres);
        Assert.Null(new DatabaseSettings { Provider = "postgres", Connection = "secret:erp-db", Query = attack }.Validate());

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => FetchAsync(database.Writer, attack));

        // 25006: cannot execute ... in a read-only transaction; 25001: read-write mode must be set before any query.
        Assert.Matches("^The PostgreSQL query failed: (25006|25001): ", error.Message);
        await database.AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task A_session_setting_made_by_one_fetch_is_gone_for_the_next_fetch_on_the_same_pooled_connection()
    {
        await using var database = await WriterDatabase.CreateAsync(postgres);
        await database.ReadOnlyByDefaultAsync();
        // One connection in the pool: both fetches get the same server process.
        var pooled = new NpgsqlConnectionStringBuilder(database.Writer) { MaxPoolSize = 1 }.ConnectionString;
        const string Ask = "select pg_backend_pid() as pid, current_setting('default_transaction_read_only') as by_default, current_setting('transaction_read_only') as now";

        var before = await RowsAsync(pooled, Ask);
        var turnedOff = await RowsAsync(pooled, "select set_config('default_transaction_read_only', 'off', false) as turned");
        var after = await RowsAsync(pooled, Ask);
        var write = await Assert.ThrowsAsync<DatabaseFetchException>(() => FetchAsync(pooled, "with d as (delete from t returning *) select * from d"));

        Assert.Equal("off", turnedOff[0].GetProperty("turned").GetString());
        Assert.Equal(before[0].GetProperty("pid").GetInt32(), after[0].GetProperty("pid").GetInt32());
        // The login reads by default (ALTER ROLE ... SET default_transaction_read_only = on) and every fetch reads only.
        Assert.Equal(("on", "on"), (after[0].GetProperty("by_default").GetString(), after[0].GetProperty("now").GetString()));
        Assert.StartsWith("The PostgreSQL query failed: 25006: ", write.Message, StringComparison.Ordinal);
        await database.AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task Legitimate_queries_with_semicolons_in_strings_dollar_quotes_comments_and_ctes_still_run()
    {
        await using var database = await WriterDatabase.CreateAsync(postgres);

        var literals = await RowsAsync(database.Writer, "select 'a;b' as plain, $$c;d$$ as dollar, $q$e;'f$q$ as tagged, E'it\\'s; fine' as escaped -- a closing comment; with a semicolon");
        var trailing = await RowsAsync(database.Writer, "select x from t order by x;");
        var cte = await RowsAsync(database.Writer, "/* nightly */ with c as (select x from t) select count(*) as n from c -- end");
        var dollarOne = await RowsAsync(database.Writer, "select coalesce($1::int, 7) as unbound");

        Assert.Equal("""{"plain":"a;b","dollar":"c;d","tagged":"e;'f","escaped":"it's; fine"}""", literals[0].GetRawText());
        Assert.Equal([1, 2, 3], trailing.Select(row => row.GetProperty("x").GetInt32()));
        Assert.Equal(3, cte[0].GetProperty("n").GetInt64());
        Assert.Equal(7, dollarOne[0].GetProperty("unbound").GetInt32());
        await database.AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task Incremental_fetches_with_and_without_a_cursor_run_in_raw_mode()
    {
        await using var database = await WriterDatabase.CreateAsync(postgres);
        var fetcher = DatabaseFetch.Fetcher(("erp-db", database.Writer));
        var settings = Settings("select x, 'x;' || x as label from t;") with { Incremental = new DatabaseIncremental { Column = "x" } };

        var (first, all) = await DatabaseFetch.RunAsync(fetcher, settings, null);
        var (second, past) = await DatabaseFetch.RunAsync(fetcher, settings, "2");

        Assert.Equal((3L, "3"), (first.Records, first.NewCursor));
        Assert.Equal(["x;1", "x;2", "x;3"], all.Select(row => row.GetProperty("label").GetString()));
        Assert.Equal((1L, "3"), (second.Records, second.NewCursor));
        Assert.Equal(3, past[0].GetProperty("x").GetInt32());
    }

    [Fact]
    public async Task A_statement_is_cut_off_after_the_command_timeout_and_cancellation_stops_it_at_once()
    {
        await using var database = await WriterDatabase.CreateAsync(postgres);
        var quick = new DatabaseFetcher(FixedSecrets.Of(new() { ["erp-db"] = database.Writer }), LoopbackPolicy.Instance, new DatabaseFetchOptions { CommandTimeout = TimeSpan.FromSeconds(1) });
        var patient = DatabaseFetch.Fetcher(("erp-db", database.Writer));

        var timedOut = await Assert.ThrowsAsync<DatabaseFetchException>(() => quick.FetchAsync(Settings("select pg_sleep(30)"), null, Stream.Null, CancellationToken.None));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.FetchAsync(Settings("select pg_sleep(30)"), null, Stream.Null, cancel.Token));
        var stoppedAfter = started.Elapsed;

        Assert.Equal("The PostgreSQL query failed: 57014: canceling statement due to statement timeout", timedOut.Message);
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(5), $"stopped after {stoppedAfter}");
    }

    [Fact]
    public async Task More_rows_than_the_record_limit_fail_the_fetch_naming_the_setting_and_as_many_pass()
    {
        await using var database = await WriterDatabase.CreateAsync(postgres);
        var fetcher = new DatabaseFetcher(FixedSecrets.Of(new() { ["erp-db"] = database.Writer }), LoopbackPolicy.Instance, new DatabaseFetchOptions { MaxRecords = 1000 });

        var exactly = await fetcher.FetchAsync(Settings("select g from generate_series(1, 1000) g"), null, Stream.Null, CancellationToken.None);
        var started = Stopwatch.StartNew();
        var over = await Assert.ThrowsAsync<DatabaseFetchException>(() =>
            fetcher.FetchAsync(Settings("select a * 1000 + b as id from generate_series(0, 49999) a, generate_series(1, 1000) b"), null, Stream.Null, CancellationToken.None));

        Assert.Equal(1000, exactly.Records);
        Assert.Equal("The PostgreSQL query returned more than 1,000 rows, the most one run may fetch (Diviora:Sources:MaxRecordsPerRun). Make the source incremental, or narrow the query.", over.Message);
        // The rest of the 50 million rows is not read: the statement is stopped.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    private static DatabaseSettings Settings(string query) => new() { Provider = "postgres", Connection = "secret:erp-db", Query = query };

    private static async Task<DatabaseFetchResult> FetchAsync(string connectionString, string query) =>
        await DatabaseFetch.Fetcher(("erp-db", connectionString)).FetchAsync(Settings(query), null, Stream.Null, CancellationToken.None);

    private static async Task<List<JsonElement>> RowsAsync(string connectionString, string query) =>
        (await DatabaseFetch.RunAsync(DatabaseFetch.Fetcher(("erp-db", connectionString)), Settings(query), null)).Rows;

    /// <summary>
    /// A database with a table <c>t</c> (1, 2, 3), a sequence <c>s</c>, a function <c>bump()</c> that inserts, and a login
    /// that may create tables, write to <c>t</c>, move <c>s</c> and call <c>bump()</c>.
    /// </summary>
    private sealed class WriterDatabase : IAsyncDisposable
    {
        private readonly string _admin;
        private readonly string _role;

        private WriterDatabase(string admin, string role)
        {
            _admin = admin;
            _role = role;
            Writer = new NpgsqlConnectionStringBuilder(admin) { Username = role }.ConnectionString;
        }

        public string Writer { get; }

        public static async Task<WriterDatabase> CreateAsync(PostgresServer postgres)
        {
            var database = new WriterDatabase(await postgres.CreateDatabaseAsync("dbguard"), "writer_" + Guid.NewGuid().ToString("N")[..12]);
            await database.AdminAsync(
                "create table t (x integer); insert into t values (1), (2), (3); create sequence s; " +
                "create function bump() returns integer language sql volatile as 'insert into t values (99) returning 1'; " +
                $"create role {database._role} login; " +
                $"grant usage, create on schema public to {database._role}; grant all on t to {database._role}; " +
                $"grant all on sequence s to {database._role}; grant execute on function bump() to {database._role}");
            return database;
        }

        /// <summary>Runs <paramref name="text"/> as the fetcher would, but without its text check: the server's own guard alone.</summary>
        public async Task RunPastTheTextCheckAsync(string text)
        {
            var provider = PostgresProvider.Instance;
            var prepared = provider.Prepare(Writer, DatabaseFetchOptions.Default);
            await using var connection = provider.CreateConnection(prepared);
            await connection.OpenAsync();
            await using var transaction = await provider.BeginAsync(connection, TimeSpan.FromSeconds(30), CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = text;
            provider.EnsureOneStatement(command);
            await using var reader = await command.ExecuteReaderAsync();
        }

        /// <summary>Makes the login's sessions read-only by default, as a careful administrator would.</summary>
        public Task ReadOnlyByDefaultAsync() => AdminAsync($"alter role {_role} set default_transaction_read_only = on");

        public async Task AssertNothingWrittenAsync()
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var check = new NpgsqlCommand(
                "select (select string_agg(x::text, ',' order by x) from t), to_regclass('pwned') is null and to_regclass('copied') is null, (select is_called from s)", connection);
            await using var reader = await check.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("1,2,3", true, false), (reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync($"drop owned by {_role}; drop role {_role}");
        }

        private async Task AdminAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
