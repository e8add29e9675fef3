using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>Bad requests get a ProblemDetails that says what was wrong, and nothing is stored.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class BadRequestTests(PlatformFixture platform)
{
    private readonly HttpClient _api = platform.Api;

    [Theory]
    [InlineData("1starts-with-digit")]
    [InlineData("has.dot")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public async Task An_invalid_dataset_name_is_a_400(string name)
    {
        using var response = await _api.UploadAsync(name, "a\n1\n");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal("Invalid dataset name", problem.GetProperty("title").GetString());
        Assert.Contains("starting with a letter", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_a_400_and_creates_no_run()
    {
        using var response = await _api.UploadAsync("empty-file", []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Empty file", (await response.ProblemAsync()).GetProperty("title").GetString());
        using var dataset = await _api.GetAsync("/api/datasets/empty-file");
        Assert.Equal(HttpStatusCode.NotFound, dataset.StatusCode);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_a_413_and_creates_no_run()
    {
        var big = new byte[PlatformFixture.MaxFileBytes + 1];
        Array.Fill(big, (byte)'1');
        big[0] = (byte)'a';
        big[1] = (byte)'\n';

        using var response = await _api.UploadAsync("too-big", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than the limit", (await response.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var dataset = await _api.GetAsync("/api/datasets/too-big");
        Assert.Equal(HttpStatusCode.NotFound, dataset.StatusCode);
    }

    [Fact]
    public async Task A_form_without_a_file_field_is_a_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("a\n1\n"), "notfile" } };

        using var response = await _api.PostAsync("/api/datasets/nofile/uploads", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("No file", (await response.ProblemAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Unknown_runs_and_datasets_are_404s()
    {
        using var run = await _api.GetAsync($"/api/runs/{Guid.NewGuid()}");
        using var dataset = await _api.GetAsync("/api/datasets/never-made");
        using var rows = await _api.GetAsync("/api/datasets/never-made/rows");

        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, dataset.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, rows.StatusCode);
        Assert.Equal("There is no dataset 'never-made'.", (await dataset.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("offset=-1")]
    public async Task A_page_outside_the_bounds_is_a_400(string query)
    {
        await _api.LoadAsync("paged", "a\n1\n");

        using var response = await _api.GetAsync($"/api/datasets/paged/rows?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ProblemAsync();
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var document = await _api.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/datasets/{dataset}/uploads", out _));
        Assert.True(paths.TryGetProperty("/api/runs/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/datasets/{dataset}/rows", out _));
        var upload = paths.GetProperty("/api/datasets/{dataset}/uploads").GetProperty("post");
        var form = upload.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("binary", form.GetProperty("properties").GetProperty("file").GetProperty("format").GetString());
        Assert.Equal(["file"], form.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.True(upload.GetProperty("responses").TryGetProperty("413", out _));
    }
}
