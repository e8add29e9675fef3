using System.Buffers;
using System.Text;

namespace Diviora.Core.Secrets;

/// <summary>Keeps resolved secret values out of text Diviora shows or stores: messages, previews, fetched records.</summary>
public static class SecretText
{
    /// <summary>What stands in for a secret.</summary>
    public const string Mask = "***";

    /// <summary>
    /// The forms of a resolved value to hide, longest first: the value, and for <c>Bearer abc</c> also <c>abc</c>, since a
    /// server that echoes credentials may echo only the token.
    /// </summary>
    public static List<string> FormsOf(IEnumerable<string> values)
    {
        var forms = new List<string>();
        foreach (var value in values)
        {
            if (value.Length == 0)
            {
                continue;
            }

            forms.Add(value);
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && space < value.Length - 1)
            {
                forms.Add(value[(space + 1)..]);
            }
        }

        forms.Sort((a, b) => b.Length.CompareTo(a.Length));
        return forms;
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
