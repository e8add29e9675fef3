using System.Buffers;
using System.Data;
using System.Data.Common;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Diviora.Core.Secrets;
using Diviora.Core.Sources.Network;

namespace Diviora.Core.Sources.Database;

/// <summary>
/// Runs the query of a database source and writes its rows as JSON Lines (one object per line, UTF-8, <c>\n</c>), the
/// payload <see cref="Ingestion.Readers.JsonRecordFormat.Lines"/> reads. Rows stream through: one row is held at a time,
/// and the output goes out in pieces of about 64 KiB.
/// </summary>
/// <remarks>
/// <para>
/// The database is the guard against writes, not the text of the query (<see cref="ReadOnlyQuery"/> only gives early,
/// friendly errors). Every command runs as exactly one statement the database parses itself
/// (<see cref="DatabaseProvider.EnsureOneStatement"/>), inside a session that cannot write: PostgreSQL a <c>READ ONLY</c>
/// transaction, SQL Server a <c>SELECT</c> proven by its parser with <c>ApplicationIntent=ReadOnly</c>, SQLite a file
/// opened read-only with an authorizer that allows only reading. The transaction is always rolled back. Each statement
/// is cut off after <see cref="DatabaseFetchOptions.CommandTimeout"/>, cancellation stops it mid-row, and more than
/// <see cref="DatabaseFetchOptions.MaxRecords"/> rows fail the fetch. Connection strings must carry the source's own
/// credentials, never ask for Diviora's identity.
/// </para>
/// <para>
/// Keys are the result's column names, a repeated or blank one renamed by the CSV header rule (<c>id</c>, <c>id_2</c>;
/// <c>column_3</c>). Integers and decimals are JSON numbers written exactly (<c>12.50</c> stays so), floating point the
/// shortest text that reads back the same, booleans JSON booleans, SQL null JSON null; dates, times and timestamps are
/// ISO 8601 text (<c>2026-05-04</c>, <c>10:15:00.0000000</c>, <c>2026-05-04T10:15:00.0000000Z</c> when the driver gives
/// the value as UTC, an offset for offset values), ids text, binary values base64, arrays JSON arrays, and anything else
/// its invariant text.
/// </para>
/// <para>
/// An incremental source (<see cref="DatabaseSettings.Incremental"/>) runs
/// <c>SELECT * FROM (query) AS diviora_q WHERE diviora_q."column" &gt; cursor ORDER BY diviora_q."column"</c>, without
/// the <c>WHERE</c> when there is no last cursor. The column is looked up in the query's result (ignoring case when the
/// spelling differs) and quoted; the cursor goes as a parameter of the column's type. Since the rows come in the
/// column's order, <see cref="DatabaseFetchResult.NewCursor"/> is the last non-null value written. A row whose column is
/// null is written but does not move the cursor, and no later run fetches it again: null is never greater than a cursor.
/// </para>
/// <para>
/// A failed fetch leaves the rows before the failure in the stream: the caller discards the stream, and stores
/// <see cref="DatabaseFetchResult.NewCursor"/> only after a run succeeds.
/// </para>
/// </remarks>
public sealed class DatabaseFetcher
{
    // The output goes to the stream whenever this much is written; a longer row goes alone.
    private const int FlushBytes = 64 * 1024;

    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ISecretStore _secrets;
    private readonly SourceNetworkPolicy _policy;
    private readonly DatabaseFetchOptions _options;

    /// <param name="secrets">Resolves the <c>secret:name</c> of <see cref="DatabaseSettings.Connection"/>.</param>
    /// <param name="policy">Which database servers sources may reach.</param>
    /// <param name="options">Timeouts, the record limit and the SQLite folder; <see cref="DatabaseFetchOptions.Default"/> when null.</param>
    public DatabaseFetcher(ISecretStore secrets, SourceNetworkPolicy policy, DatabaseFetchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(policy);
        _secrets = secrets;
        _policy = policy;
        _options = options ?? DatabaseFetchOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.CommandTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.ConnectTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.MaxRecords, 0, nameof(options));
    }

    /// <summary>
    /// Runs the query of <paramref name="settings"/> and writes its rows to <paramref name="output"/>.
    /// <paramref name="lastCursor"/>, the <see cref="DatabaseFetchResult.NewCursor"/> of the last successful run, selects
    /// the rows past it when the source is incremental; it is ignored otherwise.
    /// </summary>
    /// <remarks><paramref name="maxRows"/> stops after that many rows, for a connection test that shows one; null reads all, up to <see cref="DatabaseFetchOptions.MaxRecords"/>.</remarks>
    /// <exception cref="ArgumentException">The settings do not validate, or the incremental column is not a plain name.</exception>
    /// <exception cref="SecretException">The connection refers to a secret that does not exist.</exception>
    /// <exception cref="DatabaseFetchException">
    /// The connection string is not the provider's or asks for Diviora's own identity, the SQLite file is outside the
    /// sources folder, the database cannot be reached, the query is more than one statement, writes or failed, it returned
    /// more than <see cref="DatabaseFetchOptions.MaxRecords"/> rows, the incremental column is missing, or the last cursor
    /// is not a value of it; the message says which and why.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the statement is stopped.</exception>
    public async Task<DatabaseFetchResult> FetchAsync(DatabaseSettings settings, string? lastCursor, Stream output, CancellationToken cancellationToken, long? maxRows = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        if (maxRows is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(limit, nameof(maxRows));
        }

        if (settings.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(settings));
        }

        var column = settings.Incremental?.Column;
        if (column is not null && IncrementalColumn.CheckName(column) is { } badName)
        {
            throw new ArgumentException(badName, nameof(settings));
        }

        var provider = DatabaseProvider.For(settings.Provider!);
        ReadOnlyQuery.Check(settings.Query!, out var end);
        var statement = settings.Query![..end];
        var resolved = await _secrets.ResolveAsync(settings.Connection!, cancellationToken).ConfigureAwait(false);
        var connectionString = resolved.Value;
        PreparedConnection prepared;
        try
        {
            prepared = provider.Prepare(connectionString, _options);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DatabaseFetchException($"The connection string in {settings.Connection} is not a valid {provider.Name} connection string: {Hide(Describe(e), connectionString)}");
        }

        string[] hidden = [connectionString, prepared.ConnectionString, prepared.Password ?? string.Empty];
        await CheckServersAsync(provider, prepared, resolved, hidden, cancellationToken).ConfigureAwait(false);
        var connection = provider.CreateConnection(prepared);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsDriverFailure(e, cancellationToken))
            {
                throw new DatabaseFetchException($"Cannot connect to the {provider.Name} database: {Hide(Describe(e), hidden)}{TimeoutHint(e, "connect", _options.ConnectTimeout)}");
            }

            provider.Confine(connection);
            var query = new Query(connection, provider, maxRows ?? _options.MaxRecords, maxRows is null);
            DbTransaction? transaction = null;
            try
            {
                transaction = await provider.BeginAsync(connection, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
                var incremental = column is null ? null : await FindColumnAsync(query, transaction, statement, column, cancellationToken).ConfigureAwait(false);
                var text = incremental is null ? statement : WrappedQuery.Incremental(provider, statement, incremental.Name, lastCursor is not null);
                return await WriteRowsAsync(query, transaction, text, incremental, lastCursor, output, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is DbException or InvalidOperationException)
            {
                // A statement stopped on cancellation fails in the driver's own words: the caller asked for it.
                throw new OperationCanceledException("The database fetch was cancelled.", e, cancellationToken);
            }
            catch (Exception e) when (IsDriverFailure(e, cancellationToken))
            {
                var after = query.Records > 0 ? $" after {query.Records} rows" : string.Empty;
                var timedOut = query.TimedOut ? $" (the command timeout is {DatabaseProvider.Seconds(_options.CommandTimeout)} s)" : TimeoutHint(e, "command", _options.CommandTimeout);
                throw new DatabaseFetchException($"The {provider.Name} query failed{after}: {Hide(Describe(e), hidden)}{timedOut}");
            }
            finally
            {
                if (transaction is not null)
                {
                    await RollbackAsync(transaction).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Refuses a connection whose servers the network policy does not allow, or that would carry a secret to a server it
    /// is not bound to, before anything is sent; then pins the connection to the addresses checked.
    /// </summary>
    private async Task CheckServersAsync(DatabaseProvider provider, PreparedConnection prepared, ResolvedText connection, string[] hidden, CancellationToken cancellationToken)
    {
        if (provider.IsLocalFile)
        {
            // A file has no server: its secret is bound to the platform's own machine.
            connection.EnsureAllowed(DatabaseProvider.LocalFile, 0, "database.connection");
            return;
        }

        var checkedServers = new List<(string, int, System.Net.IPAddress[])>();
        foreach (var (host, port) in provider.Servers(prepared.Builder))
        {
            // Every server is checked, whatever its name: "localhost" is a loopback address here like any other.
            connection.EnsureAllowed(host, port, "database.connection");
            try
            {
                var addresses = await _policy.ResolveAsync(host, port, cancellationToken).ConfigureAwait(false);
                if (provider is SqlServerProvider)
                {
                    _policy.CheckSqlServer(host, addresses, port);
                }

                checkedServers.Add((host, port, addresses));
            }
            catch (SourceAddressRefusedException e)
            {
                throw new DatabaseFetchException($"The {provider.Name} server was not contacted: {Hide(e.Message, hidden)}");
            }
        }

        provider.Pin(prepared.Builder, checkedServers);
    }

    /// <summary>Runs <paramref name="text"/> and writes its rows, one JSON object a line.</summary>
    private async Task<DatabaseFetchResult> WriteRowsAsync(
        Query query, DbTransaction? transaction, string text, IncrementalColumn? incremental, string? lastCursor, Stream output, CancellationToken cancellationToken)
    {
        var command = CreateCommand(query, transaction, text, incremental, lastCursor);
        await using (command.ConfigureAwait(false))
        {
            FieldValue? cursor = null;
            using (var stop = query.Provider.StopOnCancel(query.Connection, command, _options.CommandTimeout, cancellationToken))
            {
                query.Stop = stop;
                var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var rows = new JsonRowWriter(reader, query.Provider);
                    var buffer = new ArrayBufferWriter<byte>(FlushBytes + (FlushBytes / 4));
                    using var writer = new Utf8JsonWriter(buffer, LineOptions);
                    var cursorOrdinal = incremental?.Ordinal ?? -1;
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (query.Records == query.Limit)
                        {
                            // Closing a reader reads the rest of the result: stop the statement first.
                            command.Cancel();
                            if (query.LimitIsError)
                            {
                                throw new DatabaseFetchException(
                                    $"The {query.Provider.Name} query returned more than {query.Limit:N0} rows, the most one run may fetch " +
                                    $"({Rest.RestFetchOptions.MaxRecordsKey}). Make the source incremental, or narrow the query.");
                            }

                            // A connection test wants its few rows, not the table.
                            break;
                        }

                        rows.Write(reader, query.Records + 1, writer, cursorOrdinal, ref cursor);
                        writer.Flush();
                        writer.Reset();
                        buffer.Write("\n"u8);
                        query.Records++;
                        if (buffer.WrittenCount >= FlushBytes)
                        {
                            await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                            buffer.ResetWrittenCount();
                        }
                    }

                    await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                }
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new DatabaseFetchResult(query.Records, incremental is null ? null : cursor?.ToText() ?? lastCursor);
        }
    }

    /// <summary>A command for one statement of the fetch, with the cursor as its parameter when there is one, checked to be one statement.</summary>
    private DbCommand CreateCommand(Query query, DbTransaction? transaction, string text, IncrementalColumn? incremental, string? lastCursor)
    {
        var command = query.Connection.CreateCommand();
        try
        {
            command.Transaction = transaction;
            command.CommandTimeout = query.Provider.CommandTimeoutSeconds(_options.CommandTimeout);
            command.CommandText = text;
            if (incremental is not null && lastCursor is not null)
            {
                incremental.AddCursor(command, query.Provider.CursorParameterName, lastCursor);
            }

            query.Provider.EnsureOneStatement(command);
            return command;
        }
        catch
        {
            command.Dispose();
            throw;
        }
    }

    /// <summary>Runs the query for its columns alone and finds the incremental column among them.</summary>
    private async Task<IncrementalColumn> FindColumnAsync(Query query, DbTransaction? transaction, string statement, string column, CancellationToken cancellationToken)
    {
        var shape = CreateCommand(query, transaction, WrappedQuery.Shape(statement), incremental: null, lastCursor: null);
        await using (shape.ConfigureAwait(false))
        {
            using var stop = query.Provider.StopOnCancel(query.Connection, shape, _options.CommandTimeout, cancellationToken);
            query.Stop = stop;
            var result = await shape.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (result.ConfigureAwait(false))
            {
                return IncrementalColumn.Find(result, column, query.Provider);
            }
        }
    }

    /// <summary>Ends the transaction without keeping anything; a read-only one has nothing to keep.</summary>
    private static async Task RollbackAsync(DbTransaction transaction)
    {
        await using (transaction.ConfigureAwait(false))
        {
            try
            {
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                // The connection broke or the transaction is already over: it is closed next, which ends it anyway.
            }
        }
    }

    /// <summary>True for what a driver throws when the database fails; cancellation by the caller passes through.</summary>
    private static bool IsDriverFailure(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is DbException or InvalidOperationException or TimeoutException;

    /// <summary>The message of <paramref name="e"/> and of the exceptions inside it that add to it.</summary>
    private static string Describe(Exception e)
    {
        var text = new StringBuilder(e.Message.TrimEnd());
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            var message = inner.Message.TrimEnd();
            if (!text.ToString().Contains(message, StringComparison.Ordinal))
            {
                text.Append(": ").Append(message);
            }
        }

        return text.ToString();
    }

    private static string TimeoutHint(Exception e, string which, TimeSpan timeout)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is TimeoutException)
            {
                return $" (the {which} timeout is {DatabaseProvider.Seconds(timeout)} s)";
            }
        }

        return string.Empty;
    }

    /// <summary><paramref name="text"/> with each of <paramref name="secrets"/> (the connection string, its password) replaced by <c>***</c>.</summary>
    private static string Hide(string text, params string[] secrets) =>
        SecretText.Hide(text, secrets.Where(s => s.Length > 0).OrderByDescending(s => s.Length));

    /// <summary>One fetch's connection and what it has counted so far.</summary>
    private sealed class Query(DbConnection connection, DatabaseProvider provider, long limit, bool limitIsError)
    {
        public DbConnection Connection { get; } = connection;

        public DatabaseProvider Provider { get; } = provider;

        /// <summary>The most rows to write.</summary>
        public long Limit { get; } = limit;

        /// <summary>True when more rows than <see cref="Limit"/> fail the fetch (the record limit), false when they are only left unread (a preview).</summary>
        public bool LimitIsError { get; } = limitIsError;

        public long Records { get; set; }

        /// <summary>What stops the statement that runs now.</summary>
        public QueryStop? Stop { get; set; }

        public bool TimedOut => Stop?.TimedOut == true;
    }
}
