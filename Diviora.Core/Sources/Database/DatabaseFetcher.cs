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
/// The session is read-only where the database can enforce it: SQLite opens the file with <c>Mode=ReadOnly</c>,
/// PostgreSQL runs the fetch in a <c>READ ONLY</c> transaction, and SQL Server connects with
/// <c>ApplicationIntent=ReadOnly</c> inside a transaction that is rolled back. <see cref="ReadOnlyQuery"/> only catches
/// mistakes; this session, and the rights of the connection's user, are what keep a source from writing.
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
/// <c>SELECT * FROM (query) AS diviora_q WHERE diviora_q."column" &gt; @diviora_cursor ORDER BY diviora_q."column"</c>, without
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
    /// <param name="options">Command and connect timeouts; <see cref="DatabaseFetchOptions.Default"/> when null.</param>
    public DatabaseFetcher(ISecretStore secrets, SourceNetworkPolicy policy, DatabaseFetchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(policy);
        _secrets = secrets;
        _policy = policy;
        _options = options ?? DatabaseFetchOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.CommandTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.ConnectTimeout, TimeSpan.Zero, nameof(options));
    }

    /// <summary>
    /// Runs the query of <paramref name="settings"/> and writes its rows to <paramref name="output"/>.
    /// <paramref name="lastCursor"/>, the <see cref="DatabaseFetchResult.NewCursor"/> of the last successful run, selects
    /// the rows past it when the source is incremental; it is ignored otherwise.
    /// </summary>
    /// <remarks><paramref name="maxRows"/> stops after that many rows, for a connection test that shows one; null reads all.</remarks>
    /// <exception cref="ArgumentException">The settings do not validate, or the incremental column is not a plain name.</exception>
    /// <exception cref="SecretException">The connection refers to a secret that does not exist.</exception>
    /// <exception cref="DatabaseFetchException">
    /// The connection string is not the provider's, the database cannot be reached, the query failed, the incremental
    /// column is missing, or the last cursor is not a value of it; the message says which and why.
    /// </exception>
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
        string prepared;
        string? password;
        try
        {
            (prepared, password) = provider.Prepare(connectionString, _options);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DatabaseFetchException($"The connection string in {settings.Connection} is not a valid {provider.Name} connection string: {Hide(Describe(e), connectionString)}");
        }

        string[] hidden = [connectionString, prepared, password ?? string.Empty];
        var pinned = await CheckServersAsync(provider, prepared, resolved, hidden, cancellationToken).ConfigureAwait(false);
        var connection = provider.CreateConnection(pinned);
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

            long records = 0;
            DbTransaction? transaction = null;
            try
            {
                transaction = await provider.BeginAsync(connection, cancellationToken).ConfigureAwait(false);
                var incremental = column is null ? null : await FindColumnAsync(connection, transaction, provider, statement, column, cancellationToken).ConfigureAwait(false);
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.Transaction = transaction;
                    command.CommandTimeout = DatabaseProvider.Seconds(_options.CommandTimeout);
                    command.CommandText = incremental is null ? statement : WrappedQuery.Incremental(provider, statement, incremental.Name, lastCursor is not null);
                    if (incremental is not null && lastCursor is not null)
                    {
                        incremental.AddCursor(command, WrappedQuery.CursorParameter, lastCursor);
                    }

                    FieldValue? cursor = null;
                    var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var rows = new JsonRowWriter(reader, provider);
                        var buffer = new ArrayBufferWriter<byte>(FlushBytes + (FlushBytes / 4));
                        using var writer = new Utf8JsonWriter(buffer, LineOptions);
                        var cursorOrdinal = incremental?.Ordinal ?? -1;
                        while ((maxRows is not { } max || records < max) && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            rows.Write(reader, records + 1, writer, cursorOrdinal, ref cursor);
                            writer.Flush();
                            writer.Reset();
                            buffer.Write("\n"u8);
                            records++;
                            if (buffer.WrittenCount >= FlushBytes)
                            {
                                await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                                buffer.ResetWrittenCount();
                            }
                        }

                        await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                        if (records == maxRows)
                        {
                            // Closing a reader reads the rest of the result; a connection test wants one row, not the table.
                            command.Cancel();
                        }
                    }

                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    return new DatabaseFetchResult(records, column is null ? null : cursor?.ToText() ?? lastCursor);
                }
            }
            catch (Exception e) when (IsDriverFailure(e, cancellationToken))
            {
                var after = records > 0 ? $" after {records} rows" : string.Empty;
                throw new DatabaseFetchException($"The {provider.Name} query failed{after}: {Hide(Describe(e), hidden)}{TimeoutHint(e, "command", _options.CommandTimeout)}");
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
    /// is not bound to, before anything is sent; the connection string to open, pinned to the addresses checked.
    /// </summary>
    private async Task<string> CheckServersAsync(DatabaseProvider provider, string prepared, ResolvedText connection, string[] hidden, CancellationToken cancellationToken)
    {
        var checkedServers = new List<(string, int, System.Net.IPAddress[])>();
        foreach (var (host, port) in provider.Servers(prepared))
        {
            connection.EnsureAllowed(host, port, "database.connection");
            if (host == DatabaseProvider.LocalFile)
            {
                return prepared;
            }

            try
            {
                checkedServers.Add((host, port, await _policy.ResolveAsync(host, port, cancellationToken).ConfigureAwait(false)));
            }
            catch (SourceAddressRefusedException e)
            {
                throw new DatabaseFetchException($"The {provider.Name} server was not contacted: {Hide(e.Message, hidden)}");
            }
        }

        return provider.Pin(prepared, checkedServers);
    }

    /// <summary>Runs the query for its columns alone and finds the incremental column among them.</summary>
    private async Task<IncrementalColumn> FindColumnAsync(DbConnection connection, DbTransaction? transaction, DatabaseProvider provider, string statement, string column, CancellationToken cancellationToken)
    {
        var shape = connection.CreateCommand();
        await using (shape.ConfigureAwait(false))
        {
            shape.Transaction = transaction;
            shape.CommandTimeout = DatabaseProvider.Seconds(_options.CommandTimeout);
            shape.CommandText = WrappedQuery.Shape(statement);
            var result = await shape.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (result.ConfigureAwait(false))
            {
                return IncrementalColumn.Find(result, column, provider);
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
}
