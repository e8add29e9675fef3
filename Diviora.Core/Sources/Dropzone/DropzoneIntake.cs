using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Diviora.Core.Catalog;
using Diviora.Core.Messaging;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Diviora.Core.Sources.Dropzone;

/// <summary>
/// Takes files dropped into the <c>incoming</c> container under a drop-zone source's prefix: each version of a file
/// becomes exactly one run, even across worker restarts and with several workers scanning.
/// </summary>
/// <remarks>
/// The receipt is the run itself: its id is derived from the source, the blob name and the blob's ETag, so a file seen
/// again (a scan after a crash, a second worker) finds its run instead of starting another. A file is copied unchanged
/// to the raw container, its run queued, and only then moved to <c>archive/</c>; a crash between the steps is finished by
/// the next scan: the copy is redone, a run left Queued is queued again (a run processes once whatever the number of
/// its messages), and the file is archived.
/// </remarks>
public sealed partial class DropzoneIntake(
    IWarehouse warehouse, IncomingStore incoming, RawStore raw, IIngestionQueue queue, TimeProvider time, ILogger<DropzoneIntake> logger,
    IOptions<SourcesOptions>? options = null)
{
    /// <summary>Takes every file now under the prefix of each enabled drop-zone source; returns how many runs were started.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        List<Source> sources;
        await using (var catalog = warehouse.CreateCatalog())
        {
            sources = await catalog.Sources.AsNoTracking().Where(s => s.Kind == SourceKinds.Dropzone && s.Enabled).ToListAsync(cancellationToken);
        }

        var started = 0;
        var settled = time.GetUtcNow() - TimeSpan.FromSeconds(options?.Value.DropzoneQuietSeconds ?? 0);
        foreach (var source in sources.OrderBy(s => s.NormalizedName, StringComparer.Ordinal))
        {
            var prefix = SourceDefinition.From(source).Dropzone?.Prefix;
            if (prefix is null)
            {
                continue;
            }

            await foreach (var blob in incoming.ListAsync(prefix, cancellationToken))
            {
                if (blob.LastModified > settled)
                {
                    // Still being written, perhaps: the next scan looks again.
                    continue;
                }

                try
                {
                    started += await ReceiveAsync(source, blob, cancellationToken) ? 1 : 0;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One unreadable file must not hold up the others; the next scan tries it again.
                    LogReceiveFailed(e, blob.Name, source.Name);
                }
            }
        }

        return started;
    }

    /// <summary>
    /// Takes the file a <c>BlobCreated</c> event announces, through the same receipt as a scan. No quiet period: the
    /// event fires when the version is committed. An event whose version is no longer there (archived already, deleted,
    /// or rewritten, whose newer version has an event of its own) has nothing left to take.
    /// </summary>
    /// <returns>What became of the file, in words for the log, and whether this call started its run.</returns>
    public async Task<(bool Started, string Outcome)> TakeAsync(string blobName, string etag, CancellationToken cancellationToken)
    {
        List<Source> sources;
        await using (var catalog = warehouse.CreateCatalog())
        {
            sources = await catalog.Sources.AsNoTracking().Where(s => s.Kind == SourceKinds.Dropzone && s.Enabled).ToListAsync(cancellationToken);
        }

        // Prefixes never nest (the Api refuses it), so at most one source matches; case matters, as in a listing.
        var source = sources
            .Select(s => (Source: s, Prefix: SourceDefinition.From(s).Dropzone?.Prefix))
            .Where(s => s.Prefix is not null && blobName.StartsWith(s.Prefix, StringComparison.Ordinal))
            .OrderByDescending(s => s.Prefix!.Length)
            .Select(s => s.Source)
            .FirstOrDefault();
        if (source is null)
        {
            return (false, "no enabled drop-zone source has a prefix it lies under");
        }

        var blob = await incoming.FindAsync(blobName, cancellationToken);
        if (blob is null)
        {
            return (false, "it is no longer in the drop zone (taken and archived already, or deleted)");
        }

        if (blob.Version != IncomingBlob.VersionOf(etag))
        {
            return (false, $"it was rewritten since (now {blob.Version}); the newer version's own event takes it");
        }

        var started = await ReceiveAsync(source, blob, cancellationToken);
        return (started, started ? $"source {source.Name} started run {RunIdFor(source.Id, blob)}" : $"run {RunIdFor(source.Id, blob)} of source {source.Name} had it already");
    }

    /// <summary>Takes one version of one file for <paramref name="source"/>; true when this call started its run.</summary>
    public async Task<bool> ReceiveAsync(Source source, IncomingBlob blob, CancellationToken cancellationToken)
    {
        var runId = RunIdFor(source.Id, blob);
        await using var catalog = warehouse.CreateCatalog();
        var existing = await catalog.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        var startedHere = false;
        if (existing is null)
        {
            var copying = Stopwatch.GetTimestamp();
            var blobName = RawStore.BlobNameFor(source.DatasetName, runId, Path.GetFileName(blob.Name));
            try
            {
                await using var content = await incoming.OpenReadAsync(blob, cancellationToken);
                await raw.UploadAsync(blobName, content, null, cancellationToken);
            }
            catch (Azure.RequestFailedException e) when (e.Status == 409)
            {
                // Stored already by an earlier attempt or another worker: the same version of the same file.
            }

            var payload = new RunPayload(blobName, blob.Name, blob.Size)
            {
                FetchMilliseconds = Math.Max(1, (long)Stopwatch.GetElapsedTime(copying).TotalMilliseconds),
            };
            try
            {
                await SourceRuns.QueueAsync(catalog, queue, source, runId, payload, time.GetUtcNow().UtcDateTime, cancellationToken);
                startedHere = true;
                LogReceived(blob.Name, source.Name, runId);
            }
            catch (DbUpdateException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!await RunExistsAsync(runId, cancellationToken))
                {
                    throw;
                }

                // Another worker took the same version a moment ago.
                return false;
            }
        }
        else if (existing.Status == RunStatus.Queued && await incoming.IsPresentAsync(blob, cancellationToken))
        {
            // Queued but never archived: the last taker may have stopped before its message was sent.
            await queue.SendAsync(RunMessage.For(runId), cancellationToken);
            LogRequeued(blob.Name, runId);
        }

        await incoming.ArchiveAsync(blob, cancellationToken);
        return startedHere;
    }

    private async Task<bool> RunExistsAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var catalog = warehouse.CreateCatalog();
        return await catalog.Runs.AnyAsync(r => r.Id == runId, cancellationToken);
    }

    /// <summary>The run of one version of one file: the same for every scan and every worker.</summary>
    public static Guid RunIdFor(Guid sourceId, IncomingBlob blob)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceId:N}\n{blob.Name}\n{blob.Version}"));
        // An RFC 9562 version 8 (custom) UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    [LoggerMessage(LogLevel.Information, "Drop zone: '{Blob}' of source {Source} became run {RunId}")]
    private partial void LogReceived(string blob, string source, Guid runId);

    [LoggerMessage(LogLevel.Warning, "Drop zone: run {RunId} of '{Blob}' was still queued; queued it again")]
    private partial void LogRequeued(string blob, Guid runId);

    [LoggerMessage(LogLevel.Warning, "Drop zone: '{Blob}' of source {Source} could not be taken; the next scan tries again")]
    private partial void LogReceiveFailed(Exception exception, string blob, string source);
}
