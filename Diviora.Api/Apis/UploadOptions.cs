namespace Diviora.Api.Apis;

/// <summary>Limits of uploads, bound from <c>Diviora:Uploads</c>.</summary>
public sealed class UploadOptions
{
    public const string Section = "Diviora:Uploads";

    /// <summary>The largest file accepted; a larger one is refused with 413 and nothing is kept. Default 4 GiB.</summary>
    public long MaxFileBytes { get; set; } = 4L << 30;
}
