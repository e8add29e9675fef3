using System.Net;
using System.Text.Json;
using Diviora.Web.Uploads;

namespace Diviora.Tests.Platform;

/// <summary>
/// The Web's upload pass-through, <c>POST /upload/datasets/{dataset}</c>, as the upload page's script uses it and as a
/// stranger or another site might try to: only an Editor's request from the Diviora page itself reaches the Api.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class WebUploadTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_request_without_a_session_is_sent_to_sign_in_or_refused()
    {
        using var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = platform.Web.BaseAddress };
        using var response = await stranger.SendAsync(FromThePage("web_upload_stranger"));

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Found or HttpStatusCode.Redirect,
            $"a stranger's upload got {(int)response.StatusCode}");
        Assert.Equal(0, await RunsOfAsync("web_upload_stranger"));
    }

    [Fact]
    public async Task A_reader_is_refused_with_403()
    {
        using var reader = await WebSignIn.SignInAsync(platform.Web.BaseAddress!, "reader");
        using var response = await reader.SendAsync(FromThePage("web_upload_reader"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await RunsOfAsync("web_upload_reader"));
    }

    [Theory]
    [InlineData(null, "same-origin", null)]
    [InlineData("1", "cross-site", null)]
    [InlineData("1", "same-site", null)]
    [InlineData("1", null, "https://elsewhere.example")]
    public async Task A_request_not_sent_by_the_page_itself_is_refused(string? pageHeader, string? fetchSite, string? origin)
    {
        using var request = Upload("web_upload_forged");
        if (pageHeader is not null)
        {
            request.Headers.Add(UploadEndpoint.RequestHeader, pageHeader);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await platform.Web.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await RunsOfAsync("web_upload_forged"));
    }

    [Fact]
    public async Task An_editors_upload_from_the_page_reaches_the_Api_and_its_answers_pass_through_unchanged()
    {
        using var accepted = await platform.Web.SendAsync(FromThePage("web_upload_page"));
        var body = await accepted.Content.ReadAsStringAsync();
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode}: {body}");
        var runId = JsonDocument.Parse(body).RootElement.GetProperty("runId").GetGuid();
        var run = await platform.Api.WaitForRunAsync($"/api/runs/{runId}");
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());

        // The Api's problem reaches the page as the Api wrote it, so the page can show its message.
        using var refused = await platform.Web.SendAsync(FromThePage("web_upload_page", "?header=maybe"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("header must be true or false", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>An upload as the page's script sends it: the page's header, from the Web's own origin.</summary>
    private HttpRequestMessage FromThePage(string dataset, string query = "")
    {
        var request = Upload(dataset, query);
        request.Headers.Add(UploadEndpoint.RequestHeader, "1");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        request.Headers.Add("Origin", platform.Web.BaseAddress!.GetLeftPart(UriPartial.Authority));
        return request;
    }

    private static HttpRequestMessage Upload(string dataset, string query = "") =>
        new(HttpMethod.Post, $"/upload/datasets/{dataset}{query}")
        {
            Content = new MultipartFormDataContent { { new StringContent("id,name\n1,Ada\n2,Grace\n"), "file", "people.csv" } },
        };

    private async Task<int> RunsOfAsync(string dataset) =>
        JsonDocument.Parse(await platform.Api.GetStringAsync($"/api/runs?dataset={dataset}")).RootElement.GetArrayLength();
}
