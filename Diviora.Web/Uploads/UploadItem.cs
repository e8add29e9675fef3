using Diviora.Web.Api;
using Microsoft.AspNetCore.Components.Forms;

namespace Diviora.Web.Uploads;

/// <summary>The stages of one file on the upload page.</summary>
public enum UploadState
{
    /// <summary>Its first bytes are with the Api, which says what the file is.</summary>
    Detecting,
    /// <summary>Detected; waiting for the user to upload.</summary>
    Ready,
    /// <summary>Streaming to the Api; <see cref="UploadItem.Sent"/> grows.</summary>
    Uploading,
    /// <summary>Stored; its run is followed until it ends.</summary>
    Running,
    /// <summary>The run ended (succeeded or failed).</summary>
    Ended,
    /// <summary>Detection or the upload was refused; <see cref="UploadItem.Error"/> says why.</summary>
    Refused,
}

/// <summary>One file picked on the upload page: what was detected, the options chosen, its progress and its run.</summary>
public sealed class UploadItem(IBrowserFile file, int batch)
{
    public IBrowserFile File { get; } = file;

    /// <summary>The file input the file came from; it must stay on the page for the file to be read again.</summary>
    public int Batch { get; } = batch;

    public string Name => File.Name;

    public long Size => File.Size;

    public UploadState State { get; set; } = UploadState.Detecting;

    public DetectedFile? Detected { get; set; }

    /// <summary>How to read the file; empty fields take the detected values.</summary>
    public UploadFormat Format { get; set; } = new();

    /// <summary>Bytes sent to the Api so far.</summary>
    public long Sent { get; set; }

    public double Percent => Size == 0 ? 100 : Math.Min(100, 100.0 * Sent / Size);

    public RunSummary? Run { get; set; }

    public string? Error { get; set; }
}
