namespace Diviora.Core.Sources.Dropzone;

/// <summary>How the Worker learns of dropped files: by scanning (the default) or by Event Grid events on Service Bus.</summary>
public sealed class DropzoneOptions
{
    public const string Section = "Diviora:Dropzone";

    /// <summary>
    /// The Service Bus queue an Event Grid subscription delivers the storage account's <c>BlobCreated</c> events to.
    /// Set (with a <c>messaging</c> connection), the Worker takes files from events and stops scanning; unset, it scans.
    /// </summary>
    public string? EventsQueue { get; set; }
}
