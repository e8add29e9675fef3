using System.Text.Json.Serialization;

namespace Diviora.Core.Sources;

/// <summary>The <c>dropzone</c> block of a source: the blob prefix in the <c>incoming</c> container it takes files from.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DropzoneSettings
{
    /// <summary>The longest prefix a source may watch.</summary>
    public const int MaxPrefixLength = 512;

    /// <summary>A folder-like prefix such as <c>customers/</c> or <c>partners/acme/</c>: no leading '/', ending with '/'.</summary>
    public string? Prefix { get; init; }

    /// <summary>Checks the block; a message naming the first bad field (<c>dropzone.prefix</c>), or null.</summary>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(Prefix) ? "dropzone.prefix is required: a folder in the incoming container such as 'customers/'."
        : Prefix.StartsWith('/') ? $"dropzone.prefix '{Prefix}' must not start with '/': write 'customers/', not '/customers/'."
        : !Prefix.EndsWith('/') ? $"dropzone.prefix '{Prefix}' must end with '/', so 'customers/' never also takes 'customers-old/'."
        : Prefix.StartsWith(Storage.IncomingStore.ArchivePrefix, StringComparison.Ordinal) ? $"dropzone.prefix '{Prefix}' is inside '{Storage.IncomingStore.ArchivePrefix}', where taken files are moved: choose another folder."
        : Prefix.Length > MaxPrefixLength ? $"dropzone.prefix is longer than {MaxPrefixLength} characters."
        : Prefix.Split('/').SkipLast(1).Any(part => part is "" or "." or "..") ? $"dropzone.prefix '{Prefix}' has an empty, '.' or '..' folder."
        : null;
}
