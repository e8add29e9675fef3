using System.Text.Json;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Diviora.Core.Storage;

namespace Diviora.Core.Sources.Dropzone;

/// <summary>What a drop-zone event message asks of the intake.</summary>
public enum DropzoneEventAction
{
    /// <summary>A committed file in the drop zone: take it.</summary>
    Take,

    /// <summary>A well-formed event that names no file to take (another container, the archive, a folder, a file not yet flushed).</summary>
    Ignore,

    /// <summary>Not a Storage event this intake can read: dead-letter it.</summary>
    Malformed,
}

/// <summary>
/// One Event Grid message from the drop zone's Service Bus queue, read: a Storage <c>BlobCreated</c> event in the
/// Event Grid schema (the default of an Event Grid to Service Bus subscription) or the CloudEvents 1.0 schema.
/// </summary>
/// <param name="Action">What to do with it.</param>
/// <param name="BlobName">The blob's name inside <c>incoming</c> when there is one.</param>
/// <param name="ETag">The version the event announces, when <see cref="Action"/> is <see cref="DropzoneEventAction.Take"/>.</param>
/// <param name="Reason">Why it is ignored or malformed; what it is otherwise.</param>
public sealed record DropzoneEvent(DropzoneEventAction Action, string? BlobName, string? ETag, string Reason)
{
    /// <summary>The event type Event Grid gives a committed blob.</summary>
    public const string BlobCreatedType = "Microsoft.Storage.BlobCreated";

    private const string SubjectPrefix = "/blobServices/default/containers/";

    /// <summary>Reads one message body; never throws for bad input, which comes back as <see cref="DropzoneEventAction.Malformed"/>.</summary>
    public static DropzoneEvent Parse(BinaryData body)
    {
        string type, subject;
        object? data;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                // Event Grid delivers one event per message to Service Bus; a batch of one is accepted, more would
                // need settling per event, which one message cannot do.
                if (root.GetArrayLength() != 1)
                {
                    return Malformed($"The message holds {root.GetArrayLength()} events; one event per message is expected.");
                }

                root = root[0];
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return Malformed($"The message body is a JSON {root.ValueKind}, not an event object.");
            }

            var single = BinaryData.FromString(root.GetRawText());
            if (root.TryGetProperty("specversion", out _))
            {
                var cloudEvent = CloudEvent.Parse(single, skipValidation: false)
                    ?? throw new FormatException("The CloudEvent is empty.");
                (type, subject) = (cloudEvent.Type, cloudEvent.Subject ?? "");
                data = cloudEvent.TryGetSystemEventData(out var systemData) ? systemData : null;
            }
            else
            {
                var gridEvent = EventGridEvent.Parse(single);
                (type, subject) = (gridEvent.EventType, gridEvent.Subject ?? "");
                data = gridEvent.TryGetSystemEventData(out var systemData) ? systemData : null;
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return Malformed($"The message body is not an Event Grid event or CloudEvent: {e.Message}");
        }

        if (type != BlobCreatedType)
        {
            return new DropzoneEvent(DropzoneEventAction.Ignore, null, null, $"The event type '{type}' is not {BlobCreatedType}.");
        }

        // /blobServices/default/containers/{container}/blobs/{name}: the name as written, not URL-encoded as data.url is.
        const string Blobs = "/blobs/";
        var at = subject.StartsWith(SubjectPrefix, StringComparison.Ordinal) ? subject.IndexOf(Blobs, SubjectPrefix.Length, StringComparison.Ordinal) : -1;
        if (at < 0 || at + Blobs.Length == subject.Length)
        {
            return Malformed($"The subject '{subject}' does not name a blob (/blobServices/default/containers/{{container}}/blobs/{{name}}).");
        }

        var container = subject[SubjectPrefix.Length..at];
        var name = subject[(at + Blobs.Length)..];
        if (data is not StorageBlobCreatedEventData created)
        {
            return Malformed($"The BlobCreated event for '{name}' carries no readable data.");
        }

        if (container != IncomingStore.ContainerName)
        {
            return new DropzoneEvent(DropzoneEventAction.Ignore, name, null, $"'{name}' is in container '{container}', not '{IncomingStore.ContainerName}'.");
        }

        string? ignored =
            name.StartsWith(IncomingStore.ArchivePrefix, StringComparison.Ordinal) ? "it is in the archive (the intake's own move)" :
            name.EndsWith('/') ? "it is a folder marker" :
            created.Api is "CreateFile" or "CreateDirectory" ? $"the {created.Api} call creates it empty; the FlushWithClose that commits it has its own event" :
            created.BlobType is { Length: > 0 } blobType && blobType != "BlockBlob" ? $"it is a {blobType}, and only block blobs are taken" :
            null;
        if (ignored is not null)
        {
            return new DropzoneEvent(DropzoneEventAction.Ignore, name, null, $"'{name}' is not taken: {ignored}.");
        }

        if (string.IsNullOrWhiteSpace(created.ETag))
        {
            return Malformed($"The BlobCreated event for '{name}' has no eTag.");
        }

        return new DropzoneEvent(DropzoneEventAction.Take, name, created.ETag, $"'{name}' ({created.Api}, {created.ContentLength ?? 0} bytes)");
    }

    private static DropzoneEvent Malformed(string reason) => new(DropzoneEventAction.Malformed, null, null, reason);
}
