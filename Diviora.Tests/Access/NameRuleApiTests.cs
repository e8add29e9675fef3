using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Diviora.Tests.Access;

/// <summary>
/// Names in routes with a trailing line break, on the real Api in-process: each is refused with 400 and a problem that
/// names the field and the rule (a secret named <c>crm-token%0A</c> answered 500 from the store before).
/// </summary>
[Trait("Category", "Platform")]
public sealed class NameRuleApiTests(InProcessApi api) : IClassFixture<InProcessApi>
{
    [Theory]
    [InlineData("crm-token%0A", "crm-token\\n")]
    [InlineData("crm-token%0D%0A", "crm-token\\r\\n")]
    public async Task A_secret_name_with_a_trailing_line_break_is_refused_with_400_naming_the_rule(string routeName, string shown)
    {
        using var editor = api.Client(api.Issuer.Token(["Admin"]));

        using var put = await editor.PutAsJsonAsync($"/api/secrets/{routeName}", new { value = "s3cr3t-value" });
        using var delete = await editor.DeleteAsync(new Uri($"/api/secrets/{routeName}", UriKind.Relative));
        var secrets = await editor.GetFromJsonAsync<JsonElement>("/api/secrets");

        foreach (var response in new[] { put, delete })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Invalid secret name", problem.GetProperty("title").GetString());
            Assert.Equal($"'{shown}' is not a valid secret name: use 1-63 letters, digits, '_' or '-', starting with a letter.",
                problem.GetProperty("detail").GetString());
        }

        Assert.DoesNotContain("s3cr3t-value", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(secrets.EnumerateArray(), s => s.GetProperty("name").GetString()!.StartsWith("crm-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_secret_name_without_the_line_break_is_stored()
    {
        using var editor = api.Client(api.Issuer.Token(["Admin"]));

        using var put = await editor.PutAsJsonAsync("/api/secrets/plain-token", new { value = "s3cr3t-value" });

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
    }

    [Theory]
    [InlineData("/api/datasets/sales%0A", "Invalid dataset name")]
    [InlineData("/api/sources/crm%0A", "Invalid source name")]
    public async Task Dataset_and_source_names_with_a_trailing_line_break_are_refused_with_400(string path, string title)
    {
        using var reader = api.Client(api.Issuer.Token(["Reader"]));

        using var response = await reader.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Contains("\\n' is not a valid", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
