using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Diviora.Core.Sources;

namespace Diviora.Tests.Platform;

/// <summary>/api/sources over HTTP on the running platform: create, read, list, replace, delete, refusals and next run times.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class SourcesApiTests(PlatformFixture platform)
{
    private readonly HttpClient _api = platform.Api;

    private static string Rest(string name, string schedule = "*/15 * * * *", string timeZone = "UTC") => """
        {"name":"NAME","kind":"rest","dataset":"customers","schedule":"SCHEDULE","timeZone":"ZONE",
         "mapping":{"columns":{"cust_id":"id"},"constants":{"region":"EU"}},
         "rest":{"url":"https://crm.example.com/api/customers","headers":{"Authorization":"secret:crm-token","Accept":"application/json"},
                 "recordsPath":"$.data","pagination":{"type":"nextLink","path":"$.links.next"}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("SCHEDULE", schedule, StringComparison.Ordinal)
        .Replace("ZONE", timeZone, StringComparison.Ordinal);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_source_is_created_read_listed_replaced_and_deleted_with_names_ignoring_case()
    {
        using var created = await _api.PostAsync("/api/sources", Json(Rest("s-crud")));
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var read = await _api.GetFromJsonAsync<JsonElement>("/api/sources/S-CRUD");
        var list = await _api.GetFromJsonAsync<JsonElement>("/api/sources");
        using var replaced = await _api.PutAsync("/api/sources/S-Crud", Json(Rest("s-crud", schedule: "0 6 * * *").Replace("\"name\":\"s-crud\",", "", StringComparison.Ordinal)));
        var afterPut = await _api.GetFromJsonAsync<JsonElement>("/api/sources/s-crud");
        using var deleted = await _api.DeleteAsync("/api/sources/s-CRUD");
        using var gone = await _api.GetAsync("/api/sources/s-crud");
        using var deletedAgain = await _api.DeleteAsync("/api/sources/s-crud");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/sources/s-crud", created.Headers.Location?.ToString());
        Assert.Equal(("s-crud", "rest", "customers", "*/15 * * * *", "UTC", true),
            (body.GetProperty("name").GetString(), body.GetProperty("kind").GetString(), body.GetProperty("dataset").GetString(),
             body.GetProperty("schedule").GetString(), body.GetProperty("timeZone").GetString(), body.GetProperty("enabled").GetBoolean()));
        Assert.Equal("""{"columns":{"cust_id":"id"},"constants":{"region":"EU"}}""", body.GetProperty("mapping").GetRawText());
        Assert.Equal("$.links.next", body.GetProperty("rest").GetProperty("pagination").GetProperty("path").GetString());
        Assert.False(body.TryGetProperty("database", out _));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("lastRunAt").ValueKind);
        Assert.Equal("s-crud", read.GetProperty("name").GetString());
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("name").GetString() == "s-crud");
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(("S-Crud", "0 6 * * *"), (afterPut.GetProperty("name").GetString(), afterPut.GetProperty("schedule").GetString()));
        Assert.Equal(body.GetProperty("createdAt").GetDateTime(), afterPut.GetProperty("createdAt").GetDateTime());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("There is no source 's-crud'.", (await gone.ProblemAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
    }

    [Fact]
    public async Task A_second_source_of_the_same_name_in_another_case_is_a_409_and_PUT_creates_with_201()
    {
        using var first = await _api.PostAsync("/api/sources", Json(Rest("s-twice")));
        using var second = await _api.PostAsync("/api/sources", Json(Rest("S-TWICE")));
        using var put = await _api.PutAsync("/api/sources/s-put-new", Json(Rest("s-put-new")));
        using var mismatch = await _api.PutAsync("/api/sources/s-put-new", Json(Rest("s-other")));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.StartsWith("There is already a source 's-twice'", (await second.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("/api/sources/s-put-new", put.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal("name 's-other' in the body is not 's-put-new', the name in the path.", (await mismatch.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"name":"s-bad-type","kind":"rest","dataset":"d","rest":{"url":"https://x.example.com","pagination":{"type":"pages"}}}""",
        "rest.pagination.type 'pages' is not one of nextLink, page, cursor, offset.")]
    [InlineData("""{"name":"s-bad-auth","kind":"rest","dataset":"d","rest":{"url":"https://x.example.com","headers":{"Authorization":"Bearer abc123"}}}""",
        "rest.headers['Authorization'] carries credentials, so its value must be a secret reference")]
    [InlineData("""{"name":"s-bad-db","kind":"database","dataset":"d","database":{"provider":"postgres","connection":"Host=db;Password=hunter2","query":"select 1"}}""",
        "database.connection must be a secret reference such as 'secret:erp-db'")]
    [InlineData("""{"name":"s-bad-cron","kind":"dropzone","dataset":"d","schedule":"0 0 */15 * * *","dropzone":{"prefix":"a/"}}""",
        "schedule '0 0 */15 * * *' has 6 fields")]
    [InlineData("""{"name":"s-bad-field","kind":"dropzone","dataset":"d","dropzone":{"prefix":"a/","folder":"b"}}""",
        "'dropzone.folder' is not a field of a source definition")]
    public async Task A_bad_definition_is_a_400_naming_the_field_and_nothing_is_kept(string json, string expected)
    {
        var name = JsonDocument.Parse(json).RootElement.GetProperty("name").GetString();

        using var response = await _api.PostAsync("/api/sources", Json(json));
        using var lookUp = await _api.GetAsync($"/api/sources/{name}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal("Invalid source definition", problem.GetProperty("title").GetString());
        Assert.StartsWith(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, lookUp.StatusCode);
    }

    [Fact]
    public async Task A_definition_over_256_KiB_is_a_413()
    {
        var huge = Rest("s-huge").Replace("\"EU\"", "\"" + new string('x', 300 * 1024) + "\"", StringComparison.Ordinal);

        using var response = await _api.PostAsync("/api/sources", Json(huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("The source definition is larger than the limit of 262,144 bytes.", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_invalid_name_in_the_path_is_a_400()
    {
        using var get = await _api.GetAsync("/api/sources/1-bad");
        using var delete = await _api.DeleteAsync("/api/sources/1-bad");

        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.StartsWith("'1-bad' is not a valid source name", (await get.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_run_follows_the_schedule_and_time_zone_from_the_time_of_the_answer()
    {
        var quarterly = SourceSchedule.For(true, "*/15 * * * *", "UTC");
        var morning = SourceSchedule.For(true, "0 6 * * *", "Europe/Berlin");
        var before = DateTimeOffset.UtcNow;
        using var q = await _api.PostAsync("/api/sources", Json(Rest("s-next-q")));
        using var m = await _api.PostAsync("/api/sources", Json(Rest("s-next-m", "0 6 * * *", "Europe/Berlin")));
        var read = await _api.GetFromJsonAsync<JsonElement>("/api/sources/s-next-m");
        var after = DateTimeOffset.UtcNow;

        var quarterNext = (await q.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextRunAt").GetDateTimeOffset();
        var morningNext = (await m.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextRunAt").GetDateTimeOffset();
        Assert.Contains(quarterNext, new[] { quarterly.Next(before), quarterly.Next(after) });
        Assert.Contains(morningNext, new[] { morning.Next(before), morning.Next(after) });
        Assert.Equal(morningNext, read.GetProperty("nextRunAt").GetDateTimeOffset());
        Assert.Equal(TimeSpan.Zero, quarterNext.Offset);
        Assert.Equal((6, 0), (TimeZoneInfo.ConvertTime(morningNext, morning.TimeZone).Hour, TimeZoneInfo.ConvertTime(morningNext, morning.TimeZone).Minute));
    }

    [Fact]
    public async Task A_disabled_or_manual_source_has_no_next_run()
    {
        using var disabled = await _api.PostAsync("/api/sources", Json(Rest("s-off").Replace("\"timeZone\"", "\"enabled\":false,\"timeZone\"", StringComparison.Ordinal)));
        using var manual = await _api.PostAsync("/api/sources", Json("""{"name":"s-manual","kind":"dropzone","dataset":"customers","dropzone":{"prefix":"customers/"}}"""));

        var off = await disabled.Content.ReadFromJsonAsync<JsonElement>();
        var byHand = await manual.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (disabled.StatusCode, manual.StatusCode));
        Assert.False(off.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, off.GetProperty("nextRunAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, byHand.GetProperty("nextRunAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, byHand.GetProperty("schedule").ValueKind);
        Assert.Equal("UTC", byHand.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task Credentials_come_back_as_the_references_they_were_and_other_headers_as_given()
    {
        using var created = await _api.PostAsync("/api/sources", Json(Rest("s-secret")));
        using var database = await _api.PostAsync("/api/sources", Json(
            """{"name":"s-secret-db","kind":"database","dataset":"orders","database":{"provider":"sqlite","connection":"secret:erp-db","query":"select * from orders"}}"""));

        var headers = (await _api.GetFromJsonAsync<JsonElement>("/api/sources/s-secret")).GetProperty("rest").GetProperty("headers");
        var connection = (await _api.GetFromJsonAsync<JsonElement>("/api/sources/s-secret-db")).GetProperty("database").GetProperty("connection");
        Assert.Equal("""{"Authorization":"secret:crm-token","Accept":"application/json"}""", headers.GetRawText());
        Assert.Equal("secret:erp-db", connection.GetString());
    }
}
