using System.Net;
using System.Text.RegularExpressions;

namespace Diviora.Tests.Platform;

/// <summary>
/// Signs a plain HTTP client in to the Web as a browser would: the Web sends it to the provider's login page, the page
/// takes the account and password, and the provider posts the code back to the Web (response mode form_post, a form a
/// browser submits by script and this client submits itself). The client keeps the Web's session cookie.
/// </summary>
internal static partial class WebSignIn
{
    public static async Task<HttpClient> SignInAsync(Uri web, string login, string password = LocalIdentity.Password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = web };
        using var loginPage = await client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await loginPage.Content.ReadAsStringAsync();
        var form = FormOf(html, loginPage.RequestMessage!.RequestUri!);
        using var callback = await client.PostAsync(form.Action, new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = login, ["password"] = password }));
        var post = await callback.Content.ReadAsStringAsync();
        var back = FormOf(post, callback.RequestMessage!.RequestUri!);
        Assert.StartsWith(web.AbsoluteUri, back.Action.AbsoluteUri, StringComparison.Ordinal);
        using var signedIn = await client.PostAsync(back.Action, new FormUrlEncodedContent(back.Fields));
        Assert.True(signedIn.IsSuccessStatusCode && signedIn.RequestMessage!.RequestUri!.AbsoluteUri.StartsWith(web.AbsoluteUri, StringComparison.Ordinal),
            $"signing {login} in to the Web ended at {signedIn.RequestMessage?.RequestUri} with {(int)signedIn.StatusCode}");
        return client;
    }

    /// <summary>The first form of <paramref name="html"/>: where it posts to, and its hidden fields.</summary>
    internal static (Uri Action, Dictionary<string, string> Fields) FormOf(string html, Uri page)
    {
        var form = Form().Match(html);
        Assert.True(form.Success, $"no form on {page}: {html[..Math.Min(html.Length, 400)]}");
        var fields = Hidden().Matches(form.Groups[2].Value)
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        return (new Uri(page, WebUtility.HtmlDecode(form.Groups[1].Value)), fields);
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")]
    private static partial Regex Hidden();
}
