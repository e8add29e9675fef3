using Diviora.Core.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Core.Catalog;

/// <summary>
/// One ingestion of one payload into one dataset. A run is created Queued by <see cref="Queue"/> (or
/// <see cref="Replay"/>), and its status moves only through <see cref="Start"/>, <see cref="Requeue"/>,
/// <see cref="Succeed"/>, <see cref="SucceedEmpty"/> and <see cref="Fail"/>.
/// </summary>
public sealed class Run
{
    /// <summary>The longest <see cref="Error"/> kept; longer errors are cut.</summary>
    public const int MaxErrorLength = 4000;

    /// <summary>The longest <see cref="Notes"/> kept; the oldest lines give way.</summary>
    public const int MaxNotesLength = 4000;

    /// <summary>The longest <see cref="MessageId"/> kept.</summary>
    public const int MaxMessageIdLength = 100;

    // EF Core reads runs through this constructor, binding the parameters to the properties of the same names.
    private Run(Guid id, string blobName)
    {
        Id = id;
        BlobName = blobName;
    }

    // Every new run, queued or replayed, starts here.
    private Run(Guid id, RunPayload payload, string? startedBy, DateTime createdAt)
        : this(id, payload.BlobName)
    {
        Status = RunStatus.Queued;
        FileName = payload.FileName;
        SizeBytes = payload.SizeBytes;
        Options = payload.Options;
        FetchMilliseconds = payload.FetchMilliseconds;
        StartedBy = startedBy;
        CreatedAt = createdAt;
        QueuedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public int DatasetId { get; private set; }

    public Dataset Dataset { get; private set; } = null!;

    public RunStatus Status { get; private set; }

    /// <summary>The file name the payload arrived with, as given by the client.</summary>
    public string? FileName { get; private set; }

    /// <summary>The blob in the raw container that holds the payload unchanged.</summary>
    public string BlobName { get; private set; }

    public long SizeBytes { get; private set; }

    /// <summary>How the user asked for the payload to be read (upload parameters), as JSON; null when nothing was given.</summary>
    public string? Options { get; private set; }

    /// <summary>How the payload was read, once a worker opened it: <c>csv (';', windows-1252)</c>.</summary>
    public string? Format { get; private set; }

    public long RowsRead { get; private set; }

    public long RowsLoaded { get; private set; }

    public long RowsRejected { get; private set; }

    /// <summary>The blob in the rejects container listing the rows this run rejected; null when it rejected none.</summary>
    public string? RejectsBlob { get; private set; }

    /// <summary>Why the run failed, or the last transient error of a run that is being retried.</summary>
    public string? Error { get; private set; }

    /// <summary>Milliseconds of the first pass: read the payload and infer its schema.</summary>
    public long? InferMilliseconds { get; private set; }

    /// <summary>Milliseconds of the second pass: read, apply rules, type and stage every row.</summary>
    public long? StageMilliseconds { get; private set; }

    /// <summary>Milliseconds of the final transaction that changes the schema and appends the rows.</summary>
    public long? LoadMilliseconds { get; private set; }

    /// <summary>How many times a worker has started this run. Each attempt owns the run while it is the latest.</summary>
    public int Attempts { get; private set; }

    /// <summary>
    /// The queue message the latest attempt works under (its transport's id for the message, the same on each
    /// redelivery); null when the transport gave none. Another message for the run while it runs is a duplicate.
    /// </summary>
    public string? MessageId { get; private set; }

    /// <summary>
    /// What happened to the run on its way besides its outcome, one line each, oldest first: an attempt that took over
    /// from one whose worker stopped, a message the sweep sent again. Null while nothing did.
    /// </summary>
    public string? Notes { get; private set; }

    /// <summary>When the run last became Queued or had its message sent again; the sweep measures a wait from it.</summary>
    public DateTime? QueuedAt { get; private set; }

    /// <summary>The source that started this run; null for an upload. Kept when the source is deleted.</summary>
    public Guid? SourceId { get; private set; }

    /// <summary>The source's name when the run was started; every row the run loads records it as <c>_source</c>.</summary>
    public string? SourceName { get; private set; }

    /// <summary>The source's mapping when the run was started, as JSON, so a replay maps the payload the same way.</summary>
    public string? Mapping { get; private set; }

    /// <summary>
    /// For an incremental source: the highest cursor value the fetch saw. It becomes the source's cursor only when
    /// this run succeeds.
    /// </summary>
    public string? Cursor { get; private set; }

    /// <summary>Milliseconds a source run spent fetching its payload into Blob Storage; null until fetched, and for uploads.</summary>
    public long? FetchMilliseconds { get; private set; }

    /// <summary>
    /// Who started the run: the signed-in person or client that uploaded, replayed or ran a source, or
    /// <see cref="RunStarters.Schedule"/> and <see cref="RunStarters.DropZone"/>; null for runs from before it was recorded.
    /// </summary>
    public string? StartedBy { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>When a worker first started the run; a retry keeps it.</summary>
    public DateTime? StartedAt { get; private set; }

    public DateTime? FinishedAt { get; private set; }

    /// <summary>True once the run has succeeded or failed: no worker starts it again.</summary>
    public bool HasEnded => Status is RunStatus.Succeeded or RunStatus.Failed;

    /// <summary>
    /// A new Queued run <paramref name="id"/> that loads <paramref name="payload"/> into <paramref name="dataset"/>; a run
    /// of <paramref name="source"/> keeps its name and mapping as they are now.
    /// </summary>
    public static Run Queue(Guid id, Dataset dataset, RunPayload payload, string? startedBy, DateTime createdAt, Source? source = null) =>
        new(id, payload, startedBy, createdAt)
        {
            Dataset = dataset,
            SourceId = source?.Id,
            SourceName = source?.Name,
            Mapping = source?.Mapping,
        };

    /// <summary>
    /// A new Queued run <paramref name="id"/> that loads this ended run's payload again, into the same dataset, read and
    /// mapped the same way. It has the source's name but no source: a replay fetches nothing and moves no cursor.
    /// </summary>
    /// <exception cref="InvalidOperationException">This run has not ended.</exception>
    public Run Replay(Guid id, string? startedBy, DateTime createdAt)
    {
        if (!HasEnded)
        {
            throw new InvalidOperationException($"Run '{Id}' is {Status}: only a run that has ended can be replayed.");
        }

        // Payloads are never overwritten, so the replay reads the very bytes this run read.
        return new Run(id, new RunPayload(BlobName, FileName, SizeBytes, Options), startedBy, createdAt)
        {
            DatasetId = DatasetId,
            SourceName = SourceName,
            Mapping = Mapping,
        };
    }

    /// <summary>
    /// True when a delivery of message <paramref name="messageId"/> must leave the run alone: it is Running under
    /// another message, whose attempt is alive, or whose message comes back to the queue when its worker stops and
    /// then takes the run over. Unknown message ids are never duplicates.
    /// </summary>
    public bool IsRunningUnderAnotherMessage(string? messageId) =>
        Status == RunStatus.Running && MessageId is not null && messageId is not null && !string.Equals(MessageId, messageId, StringComparison.Ordinal);

    /// <summary>
    /// A worker takes the run, under delivery of message <paramref name="messageId"/>: Running, one more attempt. A run
    /// found Running is taken over and started over, since the attempt that ran it stopped renewing its lease and its
    /// rows never committed; <see cref="Notes"/> says so.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public void Start(DateTime at, string? messageId = null)
    {
        if (HasEnded)
        {
            throw new InvalidOperationException($"Run '{Id}' has ended ({Status}): it cannot start again.");
        }

        if (Status == RunStatus.Running)
        {
            Note(at, $"Attempt {Attempts + 1} took over: attempt {Attempts} stopped renewing its lease (its worker stopped or lost the queue).");
        }

        Status = RunStatus.Running;
        StartedAt ??= at;
        Attempts++;
        MessageId = messageId is null ? null : messageId.Length <= MaxMessageIdLength ? messageId : messageId[..MaxMessageIdLength];
    }

    /// <summary>A transient failure: the run goes back to Queued for the next delivery, with the error that will be retried.</summary>
    /// <exception cref="InvalidOperationException">The run is not Running.</exception>
    public void Requeue(string error, DateTime at)
    {
        EnsureRunning("be queued again");
        Status = RunStatus.Queued;
        Error = Truncate(error);
        QueuedAt = at;
    }

    /// <summary>
    /// The sweep found the run Queued since <see cref="QueuedAt"/> with its payload in place, and sends its message
    /// again: <see cref="Notes"/> says so, and the wait is measured afresh.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run is not Queued.</exception>
    public void Resend(DateTime at)
    {
        if (Status != RunStatus.Queued)
        {
            throw new InvalidOperationException($"Run '{Id}' is {Status}: only a Queued run's message is sent again.");
        }

        var since = QueuedAt ?? CreatedAt;
        Note(at, $"Queued since {Stamp(since)} and not started: its message was presumed lost and sent again.");
        QueuedAt = at;
    }

    /// <summary>The run loaded its rows: Succeeded, with what it read, loaded and rejected, and how long each pass took.</summary>
    /// <exception cref="InvalidOperationException">The run is not Running.</exception>
    public void Succeed(LoadSummary summary, DateTime finishedAt)
    {
        EnsureRunning("succeed");
        Status = RunStatus.Succeeded;
        RowsRead = summary.RowsLoaded + summary.RowsRejected;
        RowsLoaded = summary.RowsLoaded;
        RowsRejected = summary.RowsRejected;
        RejectsBlob = summary.RejectsBlob;
        Error = null;
        Format = summary.Format;
        FinishedAt = finishedAt;
        InferMilliseconds = (long)summary.Infer.TotalMilliseconds;
        StageMilliseconds = (long)summary.Stage.TotalMilliseconds;
        LoadMilliseconds = (long)summary.Load.TotalMilliseconds;
    }

    /// <summary>A source's run whose fetch found no new record: Succeeded, with no rows.</summary>
    /// <exception cref="InvalidOperationException">The run is not Running.</exception>
    public void SucceedEmpty(DateTime finishedAt)
    {
        EnsureRunning("succeed");
        (Status, Error, FinishedAt) = (RunStatus.Succeeded, null, finishedAt);
        (RowsRead, RowsLoaded, RowsRejected) = (0, 0, 0);
    }

    /// <summary>
    /// The run ends Failed with <paramref name="error"/> (cut to <see cref="MaxErrorLength"/>), and with what it had read
    /// and rejected when it failed on its rejects.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has succeeded.</exception>
    public void Fail(string error, DateTime finishedAt, RejectedRows? rejected = null)
    {
        if (Status == RunStatus.Succeeded)
        {
            throw new InvalidOperationException($"Run '{Id}' has succeeded: it cannot fail.");
        }

        if (rejected is not null)
        {
            (RowsRead, RowsRejected, RejectsBlob) = (rejected.RowsRead, rejected.RowsRejected, rejected.RejectsBlob);
        }

        Status = RunStatus.Failed;
        Error = Truncate(error);
        FinishedAt = finishedAt;
    }

    /// <summary>
    /// Records where attempt <paramref name="attempt"/> of source run <paramref name="id"/> stored its fetch, set-based:
    /// nothing changes unless that attempt still owns the Running run.
    /// </summary>
    /// <returns>False when another attempt took the run over, or it ended.</returns>
    public static async Task<bool> RecordFetchAsync(
        IQueryable<Run> runs, Guid id, int attempt, RunFetch fetch, CancellationToken cancellationToken) =>
        await runs
            .Where(r => r.Id == id && r.Attempts == attempt && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(r => r
                .SetProperty(x => x.BlobName, fetch.BlobName)
                .SetProperty(x => x.SizeBytes, fetch.SizeBytes)
                .SetProperty(x => x.Cursor, fetch.Cursor)
                .SetProperty(x => x.FetchMilliseconds, fetch.Milliseconds), cancellationToken) > 0;

    private void EnsureRunning(string action)
    {
        if (Status != RunStatus.Running)
        {
            throw new InvalidOperationException($"Run '{Id}' is {Status}: only a Running run can {action}.");
        }
    }

    /// <summary>Adds a line to <see cref="Notes"/>, stamped with its time; the oldest lines give way when they grow too long.</summary>
    private void Note(DateTime at, string text)
    {
        var notes = Notes is null ? $"{Stamp(at)} {text}" : $"{Notes}\n{Stamp(at)} {text}";
        while (notes.Length > MaxNotesLength && notes.IndexOf('\n', StringComparison.Ordinal) is >= 0 and var end)
        {
            notes = notes[(end + 1)..];
        }

        Notes = notes.Length <= MaxNotesLength ? notes : notes[..MaxNotesLength];
    }

    private static string Stamp(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
