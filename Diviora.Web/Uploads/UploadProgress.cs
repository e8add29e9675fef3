using Microsoft.JSInterop;

namespace Diviora.Web.Uploads;

/// <summary>
/// What the page's upload script reports while the browser sends one file: the bytes of the file sent so far, a few
/// times a second, so the bar moves without a message per network buffer.
/// </summary>
public sealed class UploadProgress(UploadItem item, Func<Task> changed)
{
    [JSInvokable]
    public Task SentAsync(long sent)
    {
        item.Sent = Math.Min(sent, item.Size);
        return changed();
    }
}

/// <summary>The Web's answer to one upload as the script saw it: the status (0 when the request failed) and the body.</summary>
public sealed record UploadAnswer(int Status, string Body);
