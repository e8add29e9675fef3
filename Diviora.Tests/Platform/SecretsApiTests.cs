using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Diviora.Tests.Platform;

/// <summary>Secrets over HTTP on the running platform: values go in, names come out, and no answer or log line carries a value.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class SecretsApiTests(PlatformFixture platform)
{
    private readonly HttpClient _api = platform.Api;

    [Fact]
    public async Task Put_lists_the_name_without_the_value_put_again_updates_and_delete_then_404()
    {
        const string First = "crm-FIRST-value-0a91";
        const string Second = "crm-SECOND-value-7be2";
        var bodies = new List<string>();

        using var created = await _api.PutSecretAsync("P-Crm-Token", First);
        var afterCreate = await ListedAsync("p-crm-token", bodies);
        await Task.Delay(1100);
        using var updated = await _api.PutSecretAsync("p-crm-token", Second);
        var afterUpdate = await ListedAsync("p-crm-token", bodies);
        using var deleted = await _api.DeleteAsync(new Uri("/api/secrets/P-CRM-TOKEN", UriKind.Relative));
        using var deletedAgain = await _api.DeleteAsync(new Uri("/api/secrets/p-crm-token", UriKind.Relative));
        var afterDelete = await ListedAsync("p-crm-token", bodies);

        Assert.Equal(HttpStatusCode.NoContent, created.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, updated.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
        var missing = await deletedAgain.ProblemAsync();
        Assert.Equal("Secret not found", missing.GetProperty("title").GetString());
        Assert.Equal("There is no secret 'p-crm-token'.", missing.GetProperty("detail").GetString());

        var first = Assert.Single(afterCreate);
        Assert.Equal(["name", "updatedAt", "updatedBy", "allowedHosts"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["127.0.0.1", "localhost"], first.GetProperty("allowedHosts").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal("Local Admin", first.GetProperty("updatedBy").GetString());
        Assert.Equal("P-Crm-Token", first.GetProperty("name").GetString());
        var second = Assert.Single(afterUpdate);
        Assert.Equal("p-crm-token", second.GetProperty("name").GetString());
        Assert.True(second.GetProperty("updatedAt").GetDateTimeOffset() > first.GetProperty("updatedAt").GetDateTimeOffset());
        Assert.Empty(afterDelete);

        foreach (var body in bodies.Concat([await created.Content.ReadAsStringAsync(), await updated.Content.ReadAsStringAsync(), missing.GetRawText()]))
        {
            Assert.DoesNotContain(First, body, StringComparison.Ordinal);
            Assert.DoesNotContain(Second, body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("1starts-with-digit")]
    [InlineData("has.dot")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public async Task An_invalid_name_is_a_400_naming_the_rule(string name)
    {
        using var put = await _api.PutSecretAsync(name, "bad-name-value-41c0");
        using var delete = await _api.DeleteAsync(new Uri($"/api/secrets/{name}", UriKind.Relative));

        foreach (var response in new[] { put, delete })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.ProblemAsync();
            Assert.Equal("Invalid secret name", problem.GetProperty("title").GetString());
            Assert.Equal($"'{name}' is not a valid secret name: use 1-63 letters, digits, '_' or '-', starting with a letter.", problem.GetProperty("detail").GetString());
            Assert.DoesNotContain("bad-name-value-41c0", problem.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{}", "value: missing or empty")]
    [InlineData("""{"value": ""}""", "value: missing or empty")]
    [InlineData("""{"value": null}""", "value: missing or empty")]
    [InlineData("""{"value": 12345678}""", "The body must be JSON { \"value\": \"...\", \"allowedHosts\": [...] } with the value a string and the hosts an array of strings; it is not (at $.value,")]
    [InlineData("""{"value": "unterminated-bad-value-93ab""", "The body must be JSON { \"value\": \"...\", \"allowedHosts\": [...] } with the value a string and the hosts an array of strings; it is not (at $.value,")]
    [InlineData("unquoted-bad-value-93ab", "The body must be JSON { \"value\": \"...\", \"allowedHosts\": [...] } with the value a string and the hosts an array of strings; it is not (at $,")]
    public async Task A_missing_empty_or_unreadable_value_is_a_400_that_does_not_quote_it(string body, string detail)
    {
        using var response = await _api.PutAsync("/api/secrets/p-bad-value", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal("Invalid secret", problem.GetProperty("title").GetString());
        Assert.StartsWith(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("bad-value-93ab", problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("12345678", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(await ListedAsync("p-bad-value", []));
    }

    [Fact]
    public async Task A_value_over_64_KiB_is_a_400_and_one_of_64_KiB_is_stored()
    {
        var over = "big-" + new string('q', 64 * 1024);
        var exactly = new string('k', 64 * 1024);

        using var refused = await _api.PutSecretAsync("p-big", over);
        using var stored = await _api.PutSecretAsync("p-exactly-64k", exactly);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.ProblemAsync();
        Assert.Equal("value: 65,540 bytes of UTF-8, more than the limit of 65,536 (64 KiB).", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("qqqq", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(await ListedAsync("p-big", []));
        Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
        Assert.Single(await ListedAsync("p-exactly-64k", []));
    }

    [Fact]
    public async Task Neither_the_Api_nor_the_Worker_writes_a_value_to_its_console_log()
    {
        const string Value = "console-NEVER-value-d41f";
        // Watching makes the AppHost stream each service's console output, from its start, into the logger service.
        using var stop = new CancellationTokenSource();
        var logs = platform.App.Services.GetRequiredService<ResourceLoggerService>();
        var resources = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources;
        var api = ResourceLogs.WatchAsync(logs, resources.Single(r => r.Name == "api"), stop.Token);
        var worker = ResourceLogs.WatchAsync(logs, resources.Single(r => r.Name == "worker"), stop.Token);

        using var stored = await _api.PutSecretAsync("p-console", Value);
        using var refused = await _api.PutAsync("/api/secrets/p-console", new StringContent($"{{\"value\": \"{Value}", Encoding.UTF8, "application/json"));
        (await _api.GetAsync(new Uri("/api/secrets", UriKind.Relative))).Dispose();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();

        Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        foreach (var lines in new[] { await api, await worker })
        {
            // The service's start-up lines show the capture works.
            Assert.Contains(lines, line => line.Contains("Application started", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.Contains(Value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_marks_the_value_write_only()
    {
        var document = await _api.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var value = document.GetProperty("components").GetProperty("schemas").GetProperty("SecretBody").GetProperty("properties").GetProperty("value");
        Assert.True(value.GetProperty("writeOnly").GetBoolean());
        Assert.Equal("password", value.GetProperty("format").GetString());
        var secret = document.GetProperty("paths").GetProperty("/api/secrets/{name}");
        Assert.True(secret.TryGetProperty("put", out _));
        Assert.True(secret.TryGetProperty("delete", out _));
        Assert.False(secret.TryGetProperty("get", out _));
    }

    /// <summary>The listed secrets named <paramref name="name"/> (any case); keeps the raw answer in <paramref name="bodies"/>.</summary>
    private async Task<JsonElement[]> ListedAsync(string name, List<string> bodies)
    {
        var text = await _api.GetStringAsync(new Uri("/api/secrets", UriKind.Relative));
        bodies.Add(text);
        return [.. JsonDocument.Parse(text).RootElement.EnumerateArray()
            .Where(s => string.Equals(s.GetProperty("name").GetString(), name, StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Clone())];
    }
}
