using System.Net;
using System.Text.Json;
using Bunit;
using Diviora.Web.Api;
using Diviora.Web.Components.Sources;

namespace Diviora.Tests.Web.Components;

/// <summary>The source form in use: what it sends, what it shows of the Api's answers, and its kinds and JSON view.</summary>
[Trait("Category", "Unit")]
public sealed class SourceEditorTests : DashboardContext
{
    private const string Saved = """
        {"name":"crm","kind":"rest","dataset":"customers","schedule":null,"timeZone":"UTC","enabled":true,"rest":{"url":"https://crm.example.com/api"},
         "nextRunAt":null,"lastRunAt":null,"createdAt":"2026-05-01T08:00:00Z","updatedAt":"2026-05-01T08:00:00Z"}
        """;

    [Fact]
    public void A_new_rest_source_is_posted_as_the_form_shows_it()
    {
        Api.Answer("/api/sources", Saved);
        var cut = Render<SourceEditor>();

        FillRest(cut, "crm", "customers", "https://crm.example.com/api", ("X-Api-Key", "secret:crm-key"));
        cut.Find("[data-testid=source-schedule]").Change("*/15 * * * *");
        cut.Find("[data-testid=rest-pagination]").Change("page");
        cut.Find("[data-testid=pagination-param]").Change("p");
        cut.Find("[data-testid=save-source]").Click();

        cut.WaitForElement("[data-testid=source-saved]");
        var sent = Assert.Single(Api.Sent);
        Assert.Equal(("POST", "/api/sources"), (sent.Method, sent.Path));
        Assert.Equal(
            SourceFormTests.Compact("""
                {"name":"crm","kind":"rest","dataset":"customers","schedule":"*/15 * * * *","enabled":true,
                 "rest":{"url":"https://crm.example.com/api","headers":{"X-Api-Key":"secret:crm-key"},"pagination":{"type":"page","param":"p"}}}
                """),
            sent.Body);
    }

    [Fact]
    public void Switching_kind_shows_that_kinds_block()
    {
        var cut = Render<SourceEditor>();
        Assert.Single(cut.FindAll("[data-testid=rest-fields]"));

        cut.Find("[data-testid=source-kind]").Change("database");
        Assert.Empty(cut.FindAll("[data-testid=rest-fields]"));
        Assert.Single(cut.FindAll("[data-testid=database-fields]"));
        Assert.Single(cut.FindAll("[data-testid=source-schedule]"));

        cut.Find("[data-testid=source-kind]").Change("dropzone");
        Assert.Single(cut.FindAll("[data-testid=dropzone-fields]"));
        Assert.Empty(cut.FindAll("[data-testid=source-schedule]"));
        Assert.Empty(cut.FindAll("[data-testid=source-time-zone]"));
    }

    [Fact]
    public void Each_paging_type_shows_its_own_fields()
    {
        var cut = Render<SourceEditor>();
        string[] Shown() => [.. cut.FindAll("[data-testid^=pagination-]").Select(e => e.GetAttribute("data-testid")!)];

        Assert.Empty(Shown());
        cut.Find("[data-testid=rest-pagination]").Change("page");
        Assert.Equal(["pagination-param", "pagination-size-param", "pagination-size"], Shown());
        cut.Find("[data-testid=rest-pagination]").Change("cursor");
        Assert.Equal(["pagination-param", "pagination-path"], Shown());
        cut.Find("[data-testid=rest-pagination]").Change("offset");
        Assert.Equal(["pagination-param", "pagination-size", "pagination-limit-param"], Shown());
        cut.Find("[data-testid=rest-pagination]").Change("nextLink");
        Assert.Equal(["pagination-path"], Shown());
    }

    [Fact]
    public void A_refusal_shows_the_Apis_message_and_marks_the_field_it_names()
    {
        const string Detail = "rest.headers['Authorization'] carries credentials, so its value must be a secret reference such as 'secret:authorization', not the value itself.";
        Api.Answer("/api/sources", JsonSerializer.Serialize(new { title = "Invalid source", status = 400, detail = Detail }), HttpStatusCode.BadRequest);
        var cut = Render<SourceEditor>();
        FillRest(cut, "bad", "d", "https://x.example.com", ("Authorization", "Bearer x"));

        cut.Find("[data-testid=save-source]").Click();

        var bar = cut.WaitForElement("[data-testid=api-error]");
        Assert.Contains(Detail, bar.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", cut.Find("[data-testid=header-value]").GetAttribute("aria-invalid"));
        Assert.Null(cut.Find("[data-testid=rest-url]").GetAttribute("aria-invalid"));
        Assert.Empty(cut.FindAll("[data-testid=source-saved]"));
    }

    [Fact]
    public void Test_connection_sends_the_form_and_shows_the_records_under_every_key_seen()
    {
        Api.Answer("/api/sources/test", """{"ok":true,"error":null,"records":[{"id":1,"name":"a"},{"id":2,"tags":["x"],"name":null}],"milliseconds":42}""");
        var cut = Render<SourceEditor>();
        cut.Find("[data-testid=source-dataset]").Change("d");
        cut.Find("[data-testid=rest-url]").Change("http://127.0.0.1:5000/items");

        cut.Find("[data-testid=test-source]").Click();

        var table = cut.WaitForElement("[data-testid=test-records]");
        Assert.Equal(["id", "name", "tags"], table.QuerySelectorAll("th").Select(th => th.TextContent));
        Assert.Equal(["1", "a", "", "2", "", "[\"x\"]"], table.QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.Contains("42 ms", cut.Find("[data-testid=test-summary]").TextContent, StringComparison.Ordinal);
        var sent = Assert.Single(Api.Sent);
        Assert.Equal(("POST", "/api/sources/test", """{"kind":"rest","dataset":"d","enabled":true,"rest":{"url":"http://127.0.0.1:5000/items"}}"""), sent);
    }

    [Fact]
    public void A_failed_test_shows_why()
    {
        Api.Answer("/api/sources/test", """{"ok":false,"error":"Fetching source 'draft' failed: HTTP 404 Not Found","records":[],"milliseconds":7}""");
        var cut = Render<SourceEditor>();

        cut.Find("[data-testid=test-source]").Click();

        Assert.Equal("Fetching source 'draft' failed: HTTP 404 Not Found", cut.WaitForElement("[data-testid=test-error] .content").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=test-records]"));
    }

    [Fact]
    public void An_existing_source_fills_the_form_keeps_its_name_and_is_saved_with_PUT()
    {
        Api.Answer("/api/sources/crm", Saved);
        var source = JsonSerializer.Deserialize<SourceSummary>(Saved, JsonSerializerOptions.Web)!;
        var cut = Render<SourceEditor>(p => p.Add(c => c.Source, source));

        Assert.Equal("crm", cut.Find("[data-testid=source-name]").GetAttribute("value"));
        Assert.True(cut.Find("[data-testid=source-name]").HasAttribute("readonly"));
        Assert.Equal("https://crm.example.com/api", cut.Find("[data-testid=rest-url]").GetAttribute("value"));
        cut.Find("[data-testid=source-schedule]").Change("0 6 * * *");

        cut.Find("[data-testid=save-source]").Click();

        cut.WaitForElement("[data-testid=source-saved]");
        var sent = Assert.Single(Api.Sent);
        Assert.Equal(("PUT", "/api/sources/crm"), (sent.Method, sent.Path));
        Assert.Contains("\"schedule\":\"0 6 * * *\",\"timeZone\":\"UTC\"", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_as_JSON_shows_the_definition_and_brings_changes_back_to_the_form()
    {
        var cut = Render<SourceEditor>();
        cut.Find("[data-testid=source-dataset]").Change("first");

        cut.Find("[data-testid=toggle-json]").Click();
        var json = cut.Find("[data-testid=source-json]");
        Assert.Contains("\"dataset\": \"first\"", json.GetAttribute("value") ?? json.TextContent, StringComparison.Ordinal);
        json.Change("""{"name":"j","kind":"dropzone","dataset":"second","dropzone":{"prefix":"in/"}}""");
        cut.Find("[data-testid=toggle-json]").Click();

        Assert.Equal("second", cut.Find("[data-testid=source-dataset]").GetAttribute("value"));
        Assert.Equal("in/", cut.Find("[data-testid=dropzone-prefix]").GetAttribute("value"));

        cut.Find("[data-testid=toggle-json]").Click();
        cut.Find("[data-testid=source-json]").Change("""{"kind":"rest","rest":{"url":"https://x","pagination":{"tpye":"page"}}}""");
        cut.Find("[data-testid=toggle-json]").Click();
        Assert.Contains("'rest.pagination.tpye' is not a field", cut.Find("[data-testid=api-error]").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("[data-testid=source-json]"));
    }

    /// <summary>Types a REST source's name, dataset and URL, and one header in a new row.</summary>
    private static void FillRest(IRenderedComponent<SourceEditor> cut, string name, string dataset, string url, (string Name, string Value) header)
    {
        cut.Find("[data-testid=source-name]").Change(name);
        cut.Find("[data-testid=source-dataset]").Change(dataset);
        cut.Find("[data-testid=rest-url]").Change(url);
        cut.Find("[data-testid=header-add]").Click();
        cut.Find("[data-testid=header-name]").Change(header.Name);
        cut.Find("[data-testid=header-value]").Change(header.Value);
    }
}
