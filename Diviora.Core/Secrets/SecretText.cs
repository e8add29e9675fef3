using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Diviora.Core.Secrets;

/// <summary>Keeps resolved secret values out of text Diviora shows or stores: messages, previews, fetched records.</summary>
public static class SecretText
{
    /// <summary>What stands in for a secret.</summary>
    public const string Mask = "***";

    /// <summary>
    /// The forms of a resolved value to hide, longest first: the value, and for <c>Bearer abc</c> also <c>abc</c>, since a
    /// server that echoes credentials may echo only the token; each also as a server would write it back escaped (see
    /// <see cref="EscapedForms"/>).
    /// </summary>
    public static List<string> FormsOf(IEnumerable<string> values)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (value.Length == 0)
            {
                continue;
            }

            forms.UnionWith(EscapedForms(value));
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && space < value.Length - 1)
            {
                forms.UnionWith(EscapedForms(value[(space + 1)..]));
            }
        }

        var sorted = forms.ToList();
        // Longest first, so a form that contains another is masked whole; then ordinal, so the order never varies.
        sorted.Sort((a, b) => b.Length != a.Length ? b.Length.CompareTo(a.Length) : string.CompareOrdinal(a, b));
        return sorted;
    }

    /// <summary>
    /// <paramref name="value"/> as it is and as an echo may carry it: inside a JSON string as System.Text.Json writes it
    /// with its default encoder (<c>"</c>, <c>\</c>, <c>+</c>, <c>&amp;</c>, <c>'</c>, <c>&lt;</c>, <c>&gt;</c> and
    /// non-ASCII as <c>\uXXXX</c>) and with the relaxed one (only <c>"</c>, <c>\</c> and control characters), the latter
    /// also with <c>/</c> as <c>\/</c> (PHP's json_encode); and in a URL, percent-encoded (<c>Uri.EscapeDataString</c>)
    /// and form-encoded (space as <c>+</c>). Forms equal to the value are not repeated.
    /// </summary>
    internal static IEnumerable<string> EscapedForms(string value)
    {
        var escaped = Uri.EscapeDataString(value);
        // Text with a lone surrogate has no JSON form: System.Text.Json refuses to write it.
        var wellFormed = IsWellFormed(value);
        var relaxed = wellFormed ? JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value : value;
        return
        [
            value,
            wellFormed ? JsonEncodedText.Encode(value, JavaScriptEncoder.Default).Value : value,
            relaxed,
            relaxed.Replace("/", "\\/", StringComparison.Ordinal),
            escaped,
            escaped.Replace("%20", "+", StringComparison.Ordinal),
        ];
    }

    private static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out var used) != OperationStatus.Done)
            {
                return false;
            }

            text = text[used..];
        }

        return true;
    }

    /// <summary><paramref name="text"/> with every one of <paramref name="forms"/> (longest first) replaced by <see cref="Mask"/>.</summary>
    public static string Hide(string text, IEnumerable<string> forms)
    {
        foreach (var secret in forms)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>
    /// UTF-8 <paramref name="data"/> with every one of <paramref name="forms"/> (as UTF-8, longest first) replaced by
    /// <see cref="Mask"/>; <paramref name="data"/> itself when none occurs, which is one vectorized search per form.
    /// </summary>
    public static ReadOnlyMemory<byte> Hide(ReadOnlyMemory<byte> data, IReadOnlyList<byte[]> forms)
    {
        var result = data;
        foreach (var secret in forms)
        {
            if (secret.Length == 0 || result.Span.IndexOf(secret) < 0)
            {
                continue;
            }

            var writer = new ArrayBufferWriter<byte>(result.Length);
            var rest = result.Span;
            for (var at = rest.IndexOf(secret); at >= 0; at = rest.IndexOf(secret))
            {
                writer.Write(rest[..at]);
                writer.Write("***"u8);
                rest = rest[(at + secret.Length)..];
            }

            writer.Write(rest);
            result = writer.WrittenMemory;
        }

        return result;
    }

    /// <summary>The forms as UTF-8, for <see cref="Hide(ReadOnlyMemory{byte}, IReadOnlyList{byte[]})"/>.</summary>
    public static byte[][] Utf8(IEnumerable<string> forms) => [.. forms.Select(Encoding.UTF8.GetBytes)];
}
