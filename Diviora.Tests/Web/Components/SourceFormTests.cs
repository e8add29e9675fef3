using System.Text.Json;
using System.Text.Json.Nodes;
using Diviora.Web.Api;
using Diviora.Web.Sources;

namespace Diviora.Tests.Web.Components;

/// <summary>The Sources form writes the definition JSON the Api takes, and fills itself from what the Api answers.</summary>
[Trait("Category", "Unit")]
public sealed class SourceFormTests
{
    /// <summary>A REST source as <c>GET /api/sources/{name}</c> answers it.</summary>
    private const string RestAnswer = """
        {"name":"crm-customers","kind":"rest","dataset":"customers","schedule":"*/15 * * * *","timeZone":"Europe/Berlin","enabled":false,
         "mapping":{"columns":{"cust_id":"id","mail":"email"},"constants":{"region":"EU","weight":1.50,"active":true,"note":null}},
         "rest":{"url":"https://crm.example.com/api/customers","headers":{"Authorization":"secret:crm-token","Accept":"application/json"},
                 "recordsPath":"$.data","pagination":{"type":"page","param":"page","sizeParam":"per_page","size":100},
                 "incremental":{"cursorField":"updated_at","param":"updated_since"}},
         "nextRunAt":null,"lastRunAt":"2026-05-04T10:00:00Z","createdAt":"2026-05-01T08:00:00Z","updatedAt":"2026-05-02T09:00:00Z",
         "cursor":"2026-05-04T09:59:00Z",
         "lastRun":{"id":"6f1c2a4e-0000-4000-8000-000000000001","status":"Failed","createdAt":"2026-05-04T10:00:00Z","finishedAt":"2026-05-04T10:00:03Z",
                    "rowsLoaded":0,"rowsRejected":0,"error":"Fetching source 'crm-customers' failed: HTTP 401"}}
        """;

    /// <summary>JSON written across lines for reading, as one line the way the Web sends it.</summary>
    internal static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();

    [Fact]
    public void A_rest_source_with_headers_paging_mapping_and_a_cursor_becomes_the_Apis_definition()
    {
        var form = new SourceForm { Name = " crm ", Kind = "rest", Dataset = "customers", Schedule = "0 6 * * 1-5", TimeZone = "Europe/Berlin" };
        form.Rest.Url = "https://crm.example.com/api/customers";
        form.Rest.Headers.Add(new NameValueRow { Name = "Authorization", Value = "secret:crm-token" });
        form.Rest.Headers.Add(new NameValueRow());
        form.Rest.Headers.Add(new NameValueRow { Name = "Accept", Value = "application/json" });
        form.Rest.RecordsPath = "$.data";
        form.Rest.PaginationType = "nextLink";
        form.Rest.Path = "$.links.next";
        form.Rest.CursorField = "updated_at";
        form.Rest.CursorParam = "updated_since";
        form.Mapping.Renames.Add(new NameValueRow { Name = "cust_id", Value = "id" });
        form.Mapping.Constants.Add(new ConstantRow { Column = "region", Value = "EU" });

        Assert.Null(form.Problem());
        Assert.Equal(
            Compact("""
                {"name":"crm","kind":"rest","dataset":"customers","schedule":"0 6 * * 1-5","timeZone":"Europe/Berlin","enabled":true,
                 "mapping":{"columns":{"cust_id":"id"},"constants":{"region":"EU"}},
                 "rest":{"url":"https://crm.example.com/api/customers","headers":{"Authorization":"secret:crm-token","Accept":"application/json"},
                         "recordsPath":"$.data","pagination":{"type":"nextLink","path":"$.links.next"},
                         "incremental":{"cursorField":"updated_at","param":"updated_since"}}}
                """),
            form.ToDefinition().ToJsonString());
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("nextLink", """{"type":"nextLink","path":"$.next"}""")]
    [InlineData("page", """{"type":"page","param":"page","sizeParam":"per_page","size":50}""")]
    [InlineData("cursor", """{"type":"cursor","param":"page","path":"$.next"}""")]
    [InlineData("offset", """{"type":"offset","param":"page","size":50,"limitParam":"limit"}""")]
    public void Each_paging_type_sends_only_its_own_fields(string type, string? expected)
    {
        // Every field is filled in, as after switching types back and forth: the Api refuses a field a type does not use.
        var form = new SourceForm { Name = "paged", Dataset = "d" };
        form.Rest.Url = "https://api.example.com/items";
        form.Rest.PaginationType = type;
        (form.Rest.Path, form.Rest.Param, form.Rest.SizeParam, form.Rest.LimitParam, form.Rest.Size) = ("$.next", "page", "per_page", "limit", 50);

        var rest = form.ToDefinition()["rest"]!.AsObject();

        Assert.Equal(expected, rest["pagination"]?.ToJsonString());
    }

    [Fact]
    public void Paging_fields_left_empty_are_left_out_so_the_Api_names_what_is_missing()
    {
        var form = new SourceForm { Name = "paged", Dataset = "d" };
        form.Rest.Url = "https://api.example.com/items";
        form.Rest.PaginationType = "offset";
        form.Rest.Param = "  ";

        Assert.Equal("""{"type":"offset"}""", form.ToDefinition()["rest"]!["pagination"]!.ToJsonString());
    }

    [Fact]
    public void A_database_source_sends_its_block_and_no_other()
    {
        var form = new SourceForm { Name = "erp-orders", Kind = "database", Dataset = "orders", Schedule = "0 * * * *" };
        form.Rest.Url = "https://typed.before.switching.example.com";
        form.Database.Provider = "sqlserver";
        form.Database.Connection = "secret:erp-db";
        form.Database.Query = "select * from orders\n";
        form.Database.IncrementalColumn = "id";

        Assert.Equal(
            Compact("""
                {"name":"erp-orders","kind":"database","dataset":"orders","schedule":"0 * * * *","enabled":true,
                 "database":{"provider":"sqlserver","connection":"secret:erp-db","query":"select * from orders","incremental":{"column":"id"}}}
                """),
            form.ToDefinition().ToJsonString());
    }

    [Fact]
    public void A_drop_zone_sends_its_folder_and_no_schedule()
    {
        var form = new SourceForm { Name = "partner-files", Kind = "dropzone", Dataset = "orders", Schedule = "*/5 * * * *", TimeZone = "UTC", Enabled = false };
        form.Prefix = "partners/acme/";

        Assert.False(form.IsScheduled);
        Assert.Equal(
            """{"name":"partner-files","kind":"dropzone","dataset":"orders","enabled":false,"dropzone":{"prefix":"partners/acme/"}}""",
            form.ToDefinition().ToJsonString());
    }

    [Fact]
    public void Constants_keep_their_type_and_a_number_is_sent_exactly_as_typed()
    {
        var form = new SourceForm { Name = "c", Kind = "dropzone", Dataset = "d", Prefix = "in/" };
        form.Mapping.Constants.AddRange(
        [
            new ConstantRow { Column = "zip", Type = "text", Value = "08123" },
            new ConstantRow { Column = "weight", Type = "number", Value = "1.50" },
            new ConstantRow { Column = "active", Type = "boolean", Value = "false" },
            new ConstantRow { Column = "note", Type = "null", Value = "ignored" },
            new ConstantRow(),
        ]);

        Assert.Null(form.Problem());
        Assert.Equal("""{"constants":{"zip":"08123","weight":1.50,"active":false,"note":null}}""", form.ToDefinition()["mapping"]!.ToJsonString());
    }

    [Theory]
    [InlineData("12,5")]
    [InlineData("1 000")]
    [InlineData("")]
    public void A_constant_that_is_not_a_number_is_named_before_the_Api_is_asked(string value)
    {
        var form = new SourceForm { Name = "c", Dataset = "d" };
        form.Mapping.Constants.Add(new ConstantRow { Column = "weight", Type = "number", Value = value });

        Assert.StartsWith("mapping.constants['weight']: '" + value + "' is not a number", form.Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_given_twice_are_named_before_the_Api_is_asked()
    {
        var renames = new SourceForm { Name = "c", Dataset = "d" };
        renames.Mapping.Renames.Add(new NameValueRow { Name = "a", Value = "x" });
        renames.Mapping.Renames.Add(new NameValueRow { Name = "a", Value = "y" });
        var headers = new SourceForm { Name = "c", Dataset = "d" };
        headers.Rest.Headers.Add(new NameValueRow { Name = "Accept", Value = "a" });
        headers.Rest.Headers.Add(new NameValueRow { Name = "accept", Value = "b" });

        Assert.Equal("mapping.columns: the field 'a' is renamed twice; keep one row for it.", renames.Problem());
        Assert.Equal("rest.headers: 'Accept' is given twice; keep one row for it.", headers.Problem());
    }

    [Fact]
    public void A_source_the_Api_answers_fills_the_form_and_saves_back_unchanged()
    {
        var source = JsonSerializer.Deserialize<SourceSummary>(RestAnswer, JsonSerializerOptions.Web)!;

        var form = SourceForm.From(source.Definition);

        Assert.Equal(("crm-customers", "rest", "customers", "*/15 * * * *", "Europe/Berlin", false),
            (form.Name, form.Kind, form.Dataset, form.Schedule, form.TimeZone, form.Enabled));
        Assert.Equal([("Authorization", "secret:crm-token"), ("Accept", "application/json")], form.Rest.Headers.Select(h => (h.Name, h.Value)));
        Assert.Equal(("page", "page", "per_page", 100), (form.Rest.PaginationType, form.Rest.Param, form.Rest.SizeParam, form.Rest.Size));
        Assert.Equal(("updated_at", "updated_since"), (form.Rest.CursorField, form.Rest.CursorParam));
        Assert.Equal([("cust_id", "id"), ("mail", "email")], form.Mapping.Renames.Select(r => (r.Name, r.Value)));
        Assert.Equal([("region", "text", "EU"), ("weight", "number", "1.50"), ("active", "boolean", "true"), ("note", "null", "")],
            form.Mapping.Constants.Select(c => (c.Column, c.Type, c.Value)));
        Assert.Equal("Failed", source.LastRun!.Status);
        Assert.Equal("Fetching source 'crm-customers' failed: HTTP 401", source.LastRun.Error);

        // What goes back is the definition part of the answer, field for field.
        var answer = JsonNode.Parse(RestAnswer)!.AsObject();
        var definition = new JsonObject(answer.Where(p => p.Key is "name" or "kind" or "dataset" or "schedule" or "timeZone" or "enabled" or "mapping" or "rest")
            .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        Assert.True(JsonNode.DeepEquals(definition, form.ToDefinition()), form.ToDefinition().ToJsonString());
    }

    [Fact]
    public void A_database_and_a_drop_zone_answer_fill_their_blocks()
    {
        var database = SourceForm.From(new SourceDefinition("erp", "database", "orders",
            Database: new DatabaseSettings("sqlite", "secret:erp-db", "select 1", new DatabaseIncremental("id"))));
        var dropzone = SourceForm.From(new SourceDefinition("files", "dropzone", "orders", Dropzone: new DropzoneSettings("partners/")));

        Assert.Equal(("sqlite", "secret:erp-db", "select 1", "id"),
            (database.Database.Provider, database.Database.Connection, database.Database.Query, database.Database.IncrementalColumn));
        Assert.Equal("partners/", dropzone.Prefix);
        Assert.True(dropzone.Enabled);
    }

    [Fact]
    public void Json_typed_by_hand_fills_the_form_or_names_what_it_cannot_read()
    {
        var form = SourceForm.FromJson("""{"name":"j","kind":"dropzone","dataset":"d","dropzone":{"prefix":"in/"}}""", out var none);
        var unknown = SourceForm.FromJson("""{"name":"j","kind":"rest","dataset":"d","rest":{"url":"https://x.example.com","pagination":{"tpye":"page"}}}""", out var field);
        var broken = SourceForm.FromJson("""{"name": """, out var syntax);
        var array = SourceForm.FromJson("[]", out var notObject);

        Assert.Null(none);
        Assert.Equal(("j", "dropzone", "in/"), (form!.Name, form.Kind, form.Prefix));
        Assert.Null(unknown);
        Assert.Equal("'rest.pagination.tpye' is not a field of a source definition, or its value has the wrong type.", field);
        Assert.Null(broken);
        Assert.StartsWith("The JSON cannot be read:", syntax, StringComparison.Ordinal);
        Assert.Null(array);
        Assert.StartsWith("The definition must be a JSON object", notObject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rest.pagination.type 'pages' is not one of nextLink, page, cursor, offset.", "rest.pagination.type")]
    [InlineData("rest.headers['Authorization'] carries credentials, so its value must be a secret reference", "rest.headers['Authorization']")]
    [InlineData("mapping.columns['cust_id']: the column name '_id' starts with '_'", "mapping.columns['cust_id']")]
    [InlineData("rest.url is required: the first page's absolute http or https URL.", "rest.url")]
    [InlineData("name 's-other' in the body is not 's-put-new', the name in the path.", "name")]
    [InlineData("'rest.pagination.tpye' is not a field of a source definition", null)]
    [InlineData("There is already a source 's-twice'.", null)]
    [InlineData("timeZone 'Mars/Olympus' is not a known time zone", "timeZone")]
    public void The_field_a_refusal_names_is_read_from_its_start(string message, string? field) =>
        Assert.Equal(field, ProblemField.Of(message));
}
