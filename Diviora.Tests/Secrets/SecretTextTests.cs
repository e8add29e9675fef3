using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Diviora.Core.Secrets;

namespace Diviora.Tests.Secrets;

/// <summary>
/// A secret echoed by a server is masked in every form the echo may carry it: as it is, escaped inside a JSON string
/// (System.Text.Json's default and relaxed encoders), and in a URL (percent- and form-encoded).
/// </summary>
[Trait("Category", "Unit")]
public sealed class SecretTextTests
{
    // Quote, backslash, slash, plus, space, ampersand, angle brackets and non-ASCII: each escapes differently per encoder.
    private const string Secret = "p\"a\\ss/w+rd &<é€>";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string> Echoes => new()
    {
        { "raw", $"invalid token {Secret}" },
        { "json-default", JsonSerializer.Serialize(new { error = "invalid token", token = Secret }) },
        { "json-relaxed", JsonSerializer.Serialize(new { error = "invalid token", token = Secret }, Relaxed) },
        { "json-php", "{\"token\":\"" + JsonEncodedText.Encode(Secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value.Replace("/", "\\/", StringComparison.Ordinal) + "\"}" },
        { "url", $"https://crm.example.com/login?next=%2F&token={Uri.EscapeDataString(Secret)}&page=1" },
        { "form", new FormUrlEncodedContent([new("user", "ann"), new("token", Secret)]).ReadAsStringAsync().Result },
    };

    [Theory]
    [MemberData(nameof(Echoes))]
    public void Every_form_of_an_echoed_secret_is_masked(string form, string echo)
    {
        var forms = SecretText.FormsOf([Secret]);

        var hidden = SecretText.Hide(echo, forms);
        var hiddenUtf8 = Encoding.UTF8.GetString(SecretText.Hide(Encoding.UTF8.GetBytes(echo), SecretText.Utf8(forms)).Span);

        Assert.Contains(SecretText.Mask, hidden, StringComparison.Ordinal);
        Assert.Equal(hidden, hiddenUtf8);
        foreach (var piece in new[] { "ss/w", "ss\\/w", "w+rd", "w%2Brd", "w\\u002Brd", "\\u00E9", "%C3%A9", "é€" })
        {
            Assert.False(hidden.Contains(piece, StringComparison.Ordinal), $"{form}: '{piece}' is left in {hidden}");
        }
    }

    [Fact]
    public void The_token_of_a_bearer_value_is_masked_in_its_escaped_forms_too()
    {
        var forms = SecretText.FormsOf(["Bearer " + Secret]);

        Assert.Equal("{\"token\":\"***\"}", SecretText.Hide(JsonSerializer.Serialize(new { token = Secret }), forms));
        Assert.Equal("?t=***", SecretText.Hide($"?t={Uri.EscapeDataString(Secret)}", forms));
    }

    [Fact]
    public void Text_without_the_secret_is_left_as_it_is_and_a_plain_secret_has_one_form()
    {
        var text = "{\"error\":\"invalid token\",\"hint\":\"p a ss w rd\"}";

        Assert.Equal(text, SecretText.Hide(text, SecretText.FormsOf([Secret])));
        Assert.Equal(["abc123XYZ"], SecretText.FormsOf(["abc123XYZ"]));
        Assert.Equal(["Bearer%20abc123", "Bearer abc123", "Bearer+abc123", "abc123"], SecretText.FormsOf(["Bearer abc123"]));
    }

    [Fact]
    public void Forms_are_longest_first_so_a_longer_form_is_masked_whole()
    {
        var forms = SecretText.FormsOf(["x a&b"]);

        Assert.Equal(forms.OrderByDescending(f => f.Length), forms);
        Assert.Equal(["x a\\u0026b", "x%20a%26b", "a\\u0026b", "x+a%26b", "a%26b", "x a&b", "a&b"], forms);
        Assert.Equal("{\"t\":\"***\",\"u\":\"***\"}", SecretText.Hide("{\"t\":\"x a\\u0026b\",\"u\":\"a\\u0026b\"}", forms));
    }

    [Fact]
    public void A_value_with_a_lone_surrogate_still_gives_its_forms()
    {
        var forms = SecretText.FormsOf(["ab\uD800cd"]);

        Assert.Contains("ab\uD800cd", forms);
    }
}
