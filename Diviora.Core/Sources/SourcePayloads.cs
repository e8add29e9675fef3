using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Sources;

/// <summary>
/// The fetch stage of a source's run: pulls a REST or database source's records as JSON Lines, with the
/// <see cref="ISourceFetcher"/> of its kind, into the run's raw blob, before the run is read like any upload. A fetched
/// payload is kept, so a retried or replayed run reads the same records and never fetches twice. Also answers <c>Test connection</c> with a source's first records.
/// </summary>
/// <param name="warehouse">The catalog: runs and their sources.</param>
/// <param name="raw">Where fetched payloads are stored.</param>
/// <param name="incoming">The drop zone, for a drop-zone source's preview.</param>
/// <param name="fetchers">One per kind of source that is pulled; they retry as a scheduled pull should.</param>
/// <param name="previews">
/// Fetchers for a preview, which give up sooner since a person is waiting; a kind without one previews with its run's
/// fetcher.
/// </param>
public sealed class SourcePayloads(
    IWarehouse warehouse, RawStore raw, IncomingStore incoming, IEnumerable<ISourceFetcher> fetchers, IEnumerable<ISourceFetcher> previews)
{
    private readonly Dictionary<string, ISourceFetcher> _fetchers = ByKind(fetchers);
    private readonly Dictionary<string, ISourceFetcher> _previews = ByKind(previews);

    /// <summary>The longest incremental cursor a source keeps.</summary>
    public const int MaxCursorLength = 1000;

    /// <summary>The most records a preview shows.</summary>
    public const int MaxPreviewRecords = 20;

    /// <summary>
    /// Makes sure run <paramref name="runId"/> has its payload: fetches it when the run is a REST or database source's and
    /// has not fetched yet. Returns false when the fetch found no record: the run then has nothing to read. Each attempt
    /// stores what it fetched under a blob of its own, and records it only while the run is still its attempt, so two
    /// attempts that overlap (a lock that ran out) never read or replace each other's payload.
    /// </summary>
    /// <exception cref="IngestionDataException">The fetch failed for good (its message says why), or the source is gone.</exception>
    /// <exception cref="RunSupersededException">Another attempt took the run over while this one fetched.</exception>
    public async Task<bool> EnsureAsync(Guid runId, int attempt, CancellationToken cancellationToken)
    {
        await using var connection = await warehouse.OpenAsync(cancellationToken);
        await using var catalog = warehouse.CatalogOn(connection);
        var run = await catalog.Runs.AsNoTracking().SingleAsync(r => r.Id == runId, cancellationToken);
        if (run.SourceId is not { } sourceId)
        {
            return true;
        }

        if (run.FetchMilliseconds is not null)
        {
            return run.SizeBytes > 0;
        }

        var source = await catalog.Sources.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sourceId, cancellationToken)
            ?? throw new IngestionDataException($"Source '{run.SourceName}' was deleted before its run could fetch.");
        if (!_fetchers.TryGetValue(source.Kind, out var fetcher))
        {
            throw new IngestionDataException(source.Kind == SourceKinds.Dropzone
                ? $"Source '{source.Name}' is a {source.Kind} source now: this run, started when it pulled, has nothing to fetch."
                : NoFetcher(source.Name, source.Kind));
        }

        var definition = SourceDefinition.From(source);
        // Names and counts only: URLs carry query values and connection strings secrets, so neither is traced.
        using var activity = DivioraTelemetry.Ingestion.StartActivity("source fetch");
        activity?.SetTag("diviora.source.name", source.Name);
        activity?.SetTag("diviora.source.kind", source.Kind);
        var started = Stopwatch.GetTimestamp();
        var path = Path.Combine(Path.GetTempPath(), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"diviora-fetch-{runId:N}-a{attempt}.jsonl"));
        var blobName = AttemptBlob(run.BlobName, attempt);
        long size;
        try
        {
            SourceFetchResult fetched;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                try
                {
                    fetched = await fetcher.FetchAsync(new SourceFetchRequest(definition, source.Cursor), file, cancellationToken);
                }
                catch (SourceFetchException e)
                {
                    // The fetchers retry what can be retried; what reaches here fails the run with its reason.
                    throw new IngestionDataException(e.Message, e);
                }

                if (fetched.NewCursor is { Length: > MaxCursorLength } tooLong)
                {
                    throw new IngestionDataException(
                        $"Fetching source '{source.Name}' failed: the incremental cursor is {tooLong.Length:N0} characters long, more than the {MaxCursorLength:N0} " +
                        "a cursor may hold. Choose a cursor field whose values are short, such as a timestamp or an id.");
                }

                size = file.Length;
                if (fetched.Records > 0)
                {
                    file.Position = 0;
                    // A failed earlier attempt of this one may have stored part of it: this fetch replaces it.
                    await raw.DeleteIfExistsAsync(blobName, cancellationToken);
                    await raw.UploadAsync(blobName, file, "application/jsonl", cancellationToken);
                }
            }

            activity?.SetTag("diviora.source.records", fetched.Records);
            DivioraTelemetry.RecordsFetched.Add(fetched.Records, new KeyValuePair<string, object?>("diviora.source.kind", source.Kind));
            var fetchedIn = Math.Max(1, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!await Run.RecordFetchAsync(catalog.Runs, runId, attempt, new RunFetch(blobName, size, fetched.NewCursor, fetchedIn), cancellationToken))
            {
                await raw.DeleteIfExistsAsync(blobName, CancellationToken.None);
                throw new RunSupersededException(runId);
            }

            return fetched.Records > 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The blob attempt <paramref name="attempt"/> stores its fetch in: <c>{dataset}/{run}/a{attempt}-{file}</c>.</summary>
    private static string AttemptBlob(string queuedBlob, int attempt)
    {
        var slash = queuedBlob.LastIndexOf('/');
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{queuedBlob[..(slash + 1)]}a{attempt}-{queuedBlob[(slash + 1)..]}");
    }

    /// <summary>
    /// The first records of <paramref name="definition"/> (a valid REST or database definition, or a drop zone's files),
    /// fetched as a run would, at most <see cref="MaxPreviewRecords"/>: one page of a REST source, some rows of a query.
    /// Nothing is stored.
    /// </summary>
    /// <exception cref="SourceFetchException">The source could not be reached or read; the message says why.</exception>
    public async Task<IReadOnlyList<JsonObject>> PreviewAsync(SourceDefinition definition, string? cursor, CancellationToken cancellationToken)
    {
        using var buffer = new PreviewStream(MaxPreviewRecords);
        try
        {
            if (definition.Kind == SourceKinds.Dropzone)
            {
                await ListDropzoneAsync(definition.Dropzone!, buffer, MaxPreviewRecords, cancellationToken);
            }
            else
            {
                var fetcher = _previews.GetValueOrDefault(definition.Kind!) ?? _fetchers.GetValueOrDefault(definition.Kind!)
                    ?? throw new SourceFetchException(NoFetcher(definition.Name, definition.Kind));
                await fetcher.FetchAsync(new SourceFetchRequest(definition, cursor, MaxPreviewRecords), buffer, cancellationToken);
            }
        }
        catch (PreviewStream.FullException)
        {
            // One page was enough.
        }

        return buffer.Records();
    }

    /// <summary>A drop zone's files waiting to be taken, one record each (<c>name</c>, <c>size</c>, <c>lastModified</c>).</summary>
    private async Task ListDropzoneAsync(DropzoneSettings settings, Stream output, int max, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var blob in incoming.ListAsync(settings.Prefix!, cancellationToken))
        {
            var line = new JsonObject { ["name"] = blob.Name, ["size"] = blob.Size, ["lastModified"] = blob.LastModified };
            await output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"), cancellationToken);
            if (++count == max)
            {
                break;
            }
        }
    }

    /// <summary>Why a source of a kind no fetcher pulls cannot be fetched.</summary>
    private string NoFetcher(string? name, string? kind) =>
        $"Fetching source '{name}' failed: no fetcher pulls sources of kind '{kind}'; the kinds that can be fetched are {string.Join(", ", _fetchers.Keys)}.";

    private static Dictionary<string, ISourceFetcher> ByKind(IEnumerable<ISourceFetcher> fetchers)
    {
        var byKind = new Dictionary<string, ISourceFetcher>(StringComparer.Ordinal);
        foreach (var fetcher in fetchers)
        {
            if (!byKind.TryAdd(fetcher.Kind, fetcher))
            {
                throw new InvalidOperationException($"Two source fetchers pull sources of kind '{fetcher.Kind}': register one per kind.");
            }
        }

        return byKind;
    }

    /// <summary>Keeps what a fetcher writes until it holds enough records; the write after that ends the fetch.</summary>
    private sealed class PreviewStream(int max) : MemoryStream
    {
        private int _lines;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await base.WriteAsync(buffer, cancellationToken);
            _lines += buffer.Span.Count((byte)'\n');
            if (_lines >= max)
            {
                // Enough to show: the fetcher stops here instead of asking for the next page.
                throw new FullException();
            }
        }

        public List<JsonObject> Records()
        {
            var records = new List<JsonObject>();
            using var reader = new StreamReader(new MemoryStream(GetBuffer(), 0, (int)Length));
            while (records.Count < max && reader.ReadLine() is { } line)
            {
                if (line.Length > 0 && JsonNode.Parse(line) is JsonObject record)
                {
                    records.Add(record);
                }
            }

            return records;
        }

        public sealed class FullException : Exception;
    }
}

/// <summary>A source could not be fetched: the message names the source and what went wrong, never a secret.</summary>
public sealed class SourceFetchException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The failure of <paramref name="source"/>'s fetch, named before what <paramref name="inner"/> says went wrong.</summary>
    public static SourceFetchException For(SourceDefinition source, Exception inner) =>
        new($"Fetching source '{source.Name}' failed: {inner.Message}", inner);
}
