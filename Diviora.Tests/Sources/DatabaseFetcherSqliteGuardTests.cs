using System.Diagnostics;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Database;
using Microsoft.Data.Sqlite;

namespace Diviora.Tests.Sources;

/// <summary>
/// A SQLite source reads one file inside the sources folder and nothing else: not a file elsewhere (by path, '..', a
/// symbolic link, a URI), not another database attached by its query, and it writes nothing, not even a copy. Each attack
/// has a positive control. Also: cancellation and the command timeout stop a running query, and the record limit holds.
/// </summary>
[Trait("Category", "Platform")]
public sealed class DatabaseFetcherSqliteGuardTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("diviora-sqlite-guard-").FullName;
    private readonly string _sources;
    private readonly string _elsewhere;

    public DatabaseFetcherSqliteGuardTests()
    {
        _sources = Directory.CreateDirectory(Path.Combine(_root, "sources")).FullName;
        _elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
    }

    [Fact]
    public async Task A_query_cannot_attach_and_read_another_file()
    {
        var shop = await DatabaseAsync(Path.Combine(_sources, "shop.db"), 1);
        var secret = await DatabaseAsync(Path.Combine(_elsewhere, "secret.db"), 42);
        var inside = await DatabaseAsync(Path.Combine(_sources, "other.db"), 7);
        string[] attacks =
        [
            $"select 1; attach '{secret}' as w; select * from w.t",
            $"select x from t; attach database '{inside}' as w",
            $"attach '{secret}' as w",
            $"select * from t where x in (select 1); attach 'file:{secret}?mode=ro' as w; select x from w.t",
        ];

        foreach (var attack in attacks)
        {
            var output = new MemoryStream();
            var error = await Assert.ThrowsAnyAsync<Exception>(() => Fetcher(shop).FetchAsync(Settings(attack), null, output, CancellationToken.None));

            Assert.True(error is ArgumentException or DatabaseFetchException, error.ToString());
            Assert.StartsWith("database.query ", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("42", System.Text.Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
        }

        var (result, rows) = await DatabaseFetch.RunAsync(Fetcher(shop), Settings("select x from t; -- attach is in a comment"), null);
        Assert.Equal(1, result.Records);
        Assert.Equal(1, rows[0].GetProperty("x").GetInt64());
    }

    [Theory]
    [InlineData("select 1; attach '{0}' as w; select * from w.t", "database.query must be one statement that only reads: it holds more than one statement.")]
    [InlineData("attach '{0}' as w", "database.query must be one statement that only reads: it asks to attach a database or write one (ATTACH, VACUUM INTO).")]
    [InlineData("vacuum into '{0}.copy'", "database.query must be one statement that only reads: it writes.")]
    [InlineData("pragma writable_schema = on", "database.query must be one statement that only reads: it asks to run PRAGMA writable_schema.")]
    [InlineData("begin immediate", "database.query must be one statement that only reads: it asks to control the transaction.")]
    public async Task Sqlite_itself_refuses_what_gets_past_the_text_check(string attack, string expected)
    {
        var shop = await DatabaseAsync(Path.Combine(_sources, "shop.db"), 1);
        var secret = await DatabaseAsync(Path.Combine(_elsewhere, "secret.db"), 42);
        using var connection = new SqliteConnection(SqliteProvider.Instance.Prepare($"Data Source={shop}", Options()).ConnectionString);
        connection.Open();
        SqliteProvider.Instance.Confine(connection);
        using var command = connection.CreateCommand();
        command.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, attack, secret);

        var error = Assert.Throws<DatabaseFetchException>(() => SqliteProvider.Instance.EnsureOneStatement(command));

        Assert.Equal(expected, error.Message);
        Assert.False(File.Exists(secret + ".copy"));
        command.CommandText = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 3) select count(*), max(x) from n, t";
        SqliteProvider.Instance.EnsureOneStatement(command);
    }

    [Fact]
    public async Task Pragmas_read_through_functions_are_refused_when_they_run()
    {
        var shop = await DatabaseAsync(Path.Combine(_sources, "shop.db"), 1);

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => Fetcher(shop).FetchAsync(Settings("select * from pragma_table_info('t')"), null, Stream.Null, CancellationToken.None));

        Assert.Equal("The SQLite query failed: SQLite Error 23: 'not authorized'.", error.Message);
    }

    [Theory]
    [InlineData("../elsewhere/secret.db", "its Data Source may not contain '..'")]
    [InlineData("{elsewhere}/secret.db", "its file is not inside the sources folder (Diviora:Sources:Database:SqliteFolder), once links are followed")]
    [InlineData("{root}/warehouse.db", "its file is not inside the sources folder (Diviora:Sources:Database:SqliteFolder), once links are followed")]
    [InlineData("{sources}/../warehouse.db", "its Data Source may not contain '..'")]
    [InlineData("link-to-secret.db", "its file is not inside the sources folder (Diviora:Sources:Database:SqliteFolder), once links are followed")]
    [InlineData("linked-folder/secret.db", "its file is not inside the sources folder (Diviora:Sources:Database:SqliteFolder), once links are followed")]
    [InlineData("file:{elsewhere}/secret.db?mode=ro", "its Data Source must be a plain file path, not a URI, ':memory:' or a substitution")]
    [InlineData("file:shop.db", "its Data Source must be a plain file path, not a URI, ':memory:' or a substitution")]
    [InlineData(":memory:", "its Data Source must be a plain file path, not a URI, ':memory:' or a substitution")]
    [InlineData("|DataDirectory|/secret.db", "its Data Source must be a plain file path, not a URI, ':memory:' or a substitution")]
    public async Task Only_files_inside_the_sources_folder_open(string dataSource, string rule)
    {
        await DatabaseAsync(Path.Combine(_sources, "shop.db"), 1);
        var secret = await DatabaseAsync(Path.Combine(_elsewhere, "secret.db"), 42);
        var warehouse = await DatabaseAsync(Path.Combine(_root, "warehouse.db"), 43);
        File.CreateSymbolicLink(Path.Combine(_sources, "link-to-secret.db"), secret);
        Directory.CreateSymbolicLink(Path.Combine(_sources, "linked-folder"), _elsewhere);
        var path = dataSource.Replace("{elsewhere}", _elsewhere, StringComparison.Ordinal).Replace("{root}", _root, StringComparison.Ordinal).Replace("{sources}", _sources, StringComparison.Ordinal);
        var fetcher = new DatabaseFetcher(FixedSecrets.Of(new() { ["shop-db"] = $"Data Source={path};Password=never-shown" }), LoopbackPolicy.Instance, Options());

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings("select x from t"), null, Stream.Null, CancellationToken.None));

        Assert.Equal($"database.connection is refused for SQLite: {rule}.", error.Message);
        Assert.DoesNotContain("never-shown", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(warehouse));
    }

    [Theory]
    [InlineData("shop.db")]
    [InlineData("{sources}/shop.db")]
    [InlineData("nested/deeper.db")]
    [InlineData("link-inside.db")]
    public async Task A_file_inside_the_folder_opens_by_relative_or_absolute_path_and_through_a_link_that_stays_inside(string dataSource)
    {
        await DatabaseAsync(Path.Combine(_sources, "shop.db"), 1);
        Directory.CreateDirectory(Path.Combine(_sources, "nested"));
        await DatabaseAsync(Path.Combine(_sources, "nested", "deeper.db"), 1);
        File.CreateSymbolicLink(Path.Combine(_sources, "link-inside.db"), Path.Combine(_sources, "nested", "deeper.db"));
        var fetcher = new DatabaseFetcher(FixedSecrets.Of(new() { ["shop-db"] = $"Data Source={dataSource.Replace("{sources}", _sources, StringComparison.Ordinal)}" }), LoopbackPolicy.Instance, Options());

        var (result, rows) = await DatabaseFetch.RunAsync(fetcher, Settings("select x from t"), null);

        Assert.Equal(1, result.Records);
        Assert.Equal(1, rows[0].GetProperty("x").GetInt64());
    }

    [Fact]
    public async Task Without_a_sources_folder_SQLite_sources_are_refused_naming_the_setting()
    {
        var shop = await DatabaseAsync(Path.Combine(_sources, "shop.db"), 1);
        var fetcher = DatabaseFetch.Fetcher(("shop-db", $"Data Source={shop}"));

        var error = await Assert.ThrowsAsync<DatabaseFetchException>(() => fetcher.FetchAsync(Settings("select x from t"), null, Stream.Null, CancellationToken.None));

        Assert.Equal("database.connection is refused for SQLite: SQLite sources are turned off here: no folder is set for their files (Diviora:Sources:Database:SqliteFolder).", error.Message);
    }

    [Fact]
    public void A_sources_folder_that_holds_the_warehouse_is_refused_at_start()
    {
        Assert.False(SqliteSourceFile.KeepsOut(_root, $"Data Source={Path.Combine(_root, "warehouse.db")}"));
        Assert.False(SqliteSourceFile.KeepsOut(_sources, $"Data Source={Path.Combine(_sources, "deep", "warehouse.db")}"));
        Assert.True(SqliteSourceFile.KeepsOut(_sources, $"Data Source={Path.Combine(_root, "warehouse.db")}"));
        Assert.True(SqliteSourceFile.KeepsOut(null, $"Data Source={Path.Combine(_root, "warehouse.db")}"));
        Assert.True(SqliteSourceFile.KeepsOut(_root, "Host=127.0.0.1;Username=diviora"));
    }

    [Fact]
    public async Task Cancellation_and_the_command_timeout_interrupt_a_running_query()
    {
        var shop = await DatabaseAsync(Path.Combine(_sources, "shop.db"), 1);
        const string Endless = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000000000) select count(*) from n";
        var quick = new DatabaseFetcher(FixedSecrets.Of(new() { ["shop-db"] = $"Data Source={shop}" }), LoopbackPolicy.Instance, Options() with { CommandTimeout = TimeSpan.FromSeconds(1) });

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Fetcher(shop).FetchAsync(Settings(Endless), null, Stream.Null, cancel.Token));
        var cancelledAfter = started.Elapsed;
        started.Restart();
        var timedOut = await Assert.ThrowsAsync<DatabaseFetchException>(() => quick.FetchAsync(Settings(Endless), null, Stream.Null, CancellationToken.None));
        var timedOutAfter = started.Elapsed;

        Assert.True(cancelledAfter < TimeSpan.FromSeconds(3), $"cancelled after {cancelledAfter}");
        Assert.True(timedOutAfter < TimeSpan.FromSeconds(4), $"timed out after {timedOutAfter}");
        Assert.Equal("The SQLite query failed: SQLite Error 9: 'interrupted'. (the command timeout is 1 s)", timedOut.Message);
    }

    [Fact]
    public async Task More_rows_than_the_record_limit_fail_naming_the_setting_and_as_many_pass()
    {
        var shop = await DatabaseAsync(Path.Combine(_sources, "shop.db"), 1);
        var fetcher = new DatabaseFetcher(FixedSecrets.Of(new() { ["shop-db"] = $"Data Source={shop}" }), LoopbackPolicy.Instance, Options() with { MaxRecords = 100 });
        const string Rows = "with recursive n(i) as (select 1 union all select i + 1 from n where i < {0}) select i from n";

        var exactly = await fetcher.FetchAsync(Settings(string.Format(System.Globalization.CultureInfo.InvariantCulture, Rows, 100)), null, Stream.Null, CancellationToken.None);
        var over = await Assert.ThrowsAsync<DatabaseFetchException>(() =>
            fetcher.FetchAsync(Settings(string.Format(System.Globalization.CultureInfo.InvariantCulture, Rows, 101)), null, Stream.Null, CancellationToken.None));

        Assert.Equal(100, exactly.Records);
        Assert.Equal("The SQLite query returned more than 100 rows, the most one run may fetch (Diviora:Sources:MaxRecordsPerRun). Make the source incremental, or narrow the query.", over.Message);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private static DatabaseSettings Settings(string query) => new() { Provider = "sqlite", Connection = "secret:shop-db", Query = query };

    private DatabaseFetchOptions Options() => new() { SqliteFolder = _sources };

    private DatabaseFetcher Fetcher(string path) => new(FixedSecrets.Of(new() { ["shop-db"] = $"Data Source={path}" }), LoopbackPolicy.Instance, Options());

    /// <summary>A SQLite file at <paramref name="path"/> with a table <c>t</c> holding <paramref name="x"/>.</summary>
    private static async Task<string> DatabaseAsync(string path, int x)
    {
        if (!File.Exists(path))
        {
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"create table t (x integer); insert into t values ({x})";
            await command.ExecuteNonQueryAsync();
        }

        return path;
    }
}
