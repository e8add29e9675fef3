using System.Text.Json.Nodes;
using Diviora.Core.Sources;

namespace Diviora.Tests.Sources;

/// <summary>Source definitions: what each rule refuses, with the path of the field, and what reads and stores as given.</summary>
[Trait("Category", "Unit")]
public sealed class SourceDefinitionTests
{
    private const string Rest = """
        {"name":"crm-customers","kind":"rest","dataset":"customers","schedule":"*/15 * * * *","timeZone":"Europe/Berlin","enabled":true,
         "mapping":{"columns":{"cust_id":"id","mail":"email"},"constants":{"region":"EU","priority":1}},
         "rest":{"url":"https://crm.example.com/api/customers","headers":{"Authorization":"secret:crm-token","Accept":"application/json"},
                 "recordsPath":"$.data","pagination":{"type":"nextLink","path":"$.links.next"},
                 "incremental":{"cursorField":"updated_at","param":"updated_since"}}}
        """;

    private const string Database = """
        {"name":"erp-orders","kind":"database","dataset":"orders",
         "database":{"provider":"postgres","connection":"secret:erp-db","query":"select * from orders","incremental":{"column":"updated_at"}}}
        """;

    private const string Dropzone = """{"name":"drops","kind":"dropzone","dataset":"customers","dropzone":{"prefix":"customers/"}}""";

    private static string Base(string kind) => kind switch { "rest" => Rest, "database" => Database, _ => Dropzone };

    /// <summary>The base definition of <paramref name="kind"/> with the field at <paramref name="path"/> set to <paramref name="json"/> (removed when null).</summary>
    private static string Edit(string kind, string path, string? json)
    {
        var root = JsonNode.Parse(Base(kind))!.AsObject();
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = (node[part] ??= new JsonObject()).AsObject();
        }

        if (json is null)
        {
            node.Remove(parts[^1]);
        }
        else
        {
            node[parts[^1]] = JsonNode.Parse(json);
        }

        return root.ToJsonString();
    }

    private static SourceDefinition Read(string json)
    {
        var definition = SourceDefinition.TryRead(json, out var error);
        Assert.True(definition is not null, error);
        return definition;
    }

    [Theory]
    [InlineData("rest")]
    [InlineData("database")]
    [InlineData("dropzone")]
    public void The_documented_examples_are_valid(string kind) => Assert.Null(Read(Base(kind)).Validate());

    [Theory]
    // Fields every source has.
    [InlineData("rest", "name", "\"crm customers\"", "name 'crm customers' is not a valid source name: use 1-63 letters, digits, '_' or '-', starting with a letter.")]
    [InlineData("rest", "name", null, "name '' is not a valid source name")]
    [InlineData("rest", "kind", "\"ftp\"", "kind 'ftp' is not one of rest, database, dropzone.")]
    [InlineData("rest", "dataset", "\"1customers\"", "dataset '1customers' is not a valid dataset name")]
    [InlineData("rest", "schedule", "\"every hour\"", "schedule 'every hour' has 2 fields; a schedule has 5")]
    [InlineData("rest", "timeZone", "\"Europe/Berlinn\"", "timeZone 'Europe/Berlinn' is not a known time zone")]
    [InlineData("rest", "mapping.columns", "{\"cust_id\":\"_id\"}", "mapping.columns['cust_id']: the column name '_id' starts with '_', which is reserved")]
    [InlineData("rest", "mapping.columns", "{\"cust_id\":\" \"}", "mapping.columns['cust_id']: the column name is empty.")]
    [InlineData("rest", "mapping.columns", "{\"a\":\"id\",\"b\":\"ID\"}", "mapping.columns['b']: mapping.columns['a'] is also mapped to 'ID'.")]
    [InlineData("rest", "mapping.constants", "{\"id\":\"x\"}", "mapping.constants['id']: mapping.columns['cust_id'] also gives a column 'id'.")]
    [InlineData("rest", "mapping.constants", "{\"tags\":[1,2]}", "mapping.constants['tags'] must be a string, number, boolean or null.")]
    // The kind's block.
    [InlineData("rest", "rest", null, "rest is required for a source of kind 'rest'.")]
    [InlineData("rest", "dropzone", "{\"prefix\":\"a/\"}", "dropzone: a source of kind 'rest' takes a rest block, not a dropzone block.")]
    [InlineData("database", "rest", "{\"url\":\"https://x\"}", "rest: a source of kind 'database' takes a database block, not a rest block.")]
    // rest
    [InlineData("rest", "rest.url", null, "rest.url is required")]
    [InlineData("rest", "rest.url", "\"/api/customers\"", "rest.url '/api/customers' is not an absolute http or https URL.")]
    [InlineData("rest", "rest.url", "\"ftp://crm.example.com/x\"", "rest.url 'ftp://crm.example.com/x' is not an absolute http or https URL.")]
    [InlineData("rest", "rest.url", "\"https://me:pw@crm.example.com/x\"", "rest.url must not hold a user name or password")]
    [InlineData("rest", "rest.headers", "{\"Authorization\":\"Bearer abc\"}", "rest.headers['Authorization'] carries credentials, so its value must be a secret reference such as 'secret:authorization'")]
    [InlineData("rest", "rest.headers", "{\"X-Api-Key\":\"abc\"}", "rest.headers['X-Api-Key'] carries credentials")]
    [InlineData("rest", "rest.headers", "{\"X-Auth-Token\":\"abc\"}", "rest.headers['X-Auth-Token'] carries credentials")]
    [InlineData("rest", "rest.headers", "{\"Accept\":\"secret:\"}", "rest.headers['Accept'] 'secret:' is not a valid secret reference: use 'secret:' then a secret name of 1-63 letters")]
    [InlineData("rest", "rest.headers", "{\"Bad Name\":\"x\"}", "rest.headers['Bad Name']: 'Bad Name' is not a valid header name.")]
    [InlineData("rest", "rest.headers", "{\"Accept\":\"a\\r\\nX-Evil: 1\"}", "rest.headers['Accept'] must be a single-line text value.")]
    [InlineData("rest", "rest.recordsPath", "\"data\"", "rest.recordsPath 'data' must start with '$'")]
    [InlineData("rest", "rest.recordsPath", "\"$..data\"", "rest.recordsPath '$..data' needs a member name at character 3")]
    [InlineData("rest", "rest.recordsPath", "\"$.data[0]\"", "rest.recordsPath '$.data[0]' has '[' at character 7, which the supported subset does not allow")]
    [InlineData("rest", "rest.recordsPath", "\"$.data[*].items\"", "rest.recordsPath '$.data[*].items' has '[' at character 7")]
    [InlineData("rest", "rest.pagination.type", "\"pages\"", "rest.pagination.type 'pages' is not one of nextLink, page, cursor, offset.")]
    [InlineData("rest", "rest.pagination.path", null, "rest.pagination.path is required for type nextLink.")]
    [InlineData("rest", "rest.pagination.path", "\"$.items[*]\"", "rest.pagination.path '$.items[*]' must name one value")]
    [InlineData("rest", "rest.pagination.param", "\"page\"", "rest.pagination.param does not apply to type nextLink.")]
    [InlineData("rest", "rest.pagination", "{\"type\":\"page\"}", "rest.pagination.param is required for type page.")]
    [InlineData("rest", "rest.pagination", "{\"type\":\"page\",\"param\":\"page\",\"sizeParam\":\"per_page\"}", "rest.pagination.size is required for type page.")]
    [InlineData("rest", "rest.pagination", "{\"type\":\"page\",\"param\":\"page\",\"sizeParam\":\"per_page\",\"size\":0}", "rest.pagination.size must be between 1 and 10000; it was 0.")]
    [InlineData("rest", "rest.pagination", "{\"type\":\"cursor\",\"param\":\"cursor\"}", "rest.pagination.path is required for type cursor.")]
    [InlineData("rest", "rest.pagination", "{\"type\":\"offset\",\"param\":\"offset\"}", "rest.pagination.size is required for type offset.")]
    [InlineData("rest", "rest.pagination", "{\"type\":\"offset\",\"param\":\"offset\",\"size\":100,\"sizeParam\":\"n\"}", "rest.pagination.sizeParam does not apply to type offset.")]
    [InlineData("rest", "rest.incremental.cursorField", null, "rest.incremental.cursorField is required")]
    [InlineData("rest", "rest.incremental.param", "\"\"", "rest.incremental.param is required")]
    // database
    [InlineData("database", "database.provider", "\"mysql\"", "database.provider 'mysql' is not one of postgres, sqlserver, sqlite.")]
    [InlineData("database", "database.connection", "\"Host=db;Password=hunter2\"", "database.connection must be a secret reference such as 'secret:erp-db', not a connection string: connection strings hold passwords.")]
    [InlineData("database", "database.connection", "\"secret:1db\"", "database.connection 'secret:1db' is not a valid secret reference")]
    [InlineData("database", "database.query", "\"  \"", "database.query is required")]
    [InlineData("database", "database.query", "\"delete from orders\"", "database.query must start with select or with; it starts with 'delete'.")]
    [InlineData("database", "database.query", "\"select 1; drop table orders\"", "database.query holds more than one statement: the ';' at character 9 is followed by more.")]
    [InlineData("database", "database.query", "\"-- latest\\nselect 1;\\n/* then */ delete from t\"", "database.query holds more than one statement: the ';' at character 19")]
    [InlineData("database", "database.incremental.column", "\"\"", "database.incremental.column is required")]
    [InlineData("database", "database.incremental.column", "\"updated_at; drop table x\"", "database.incremental.column 'updated_at; drop table x' may hold only letters, digits and '_'")]
    // dropzone
    [InlineData("dropzone", "dropzone.prefix", "\"\"", "dropzone.prefix is required")]
    [InlineData("dropzone", "dropzone.prefix", "\"/customers/\"", "dropzone.prefix '/customers/' must not start with '/'")]
    [InlineData("dropzone", "dropzone.prefix", "\"customers\"", "dropzone.prefix 'customers' must end with '/'")]
    [InlineData("dropzone", "dropzone.prefix", "\"a/../b/\"", "dropzone.prefix 'a/../b/' has an empty, '.' or '..' folder.")]
    public void Each_rule_names_the_field_and_why(string kind, string path, string? json, string expected)
    {
        var error = Read(Edit(kind, path, json)).Validate();

        Assert.NotNull(error);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rest.recordsPath", "\"$\"")]
    [InlineData("rest.recordsPath", "\"$.result.items[*]\"")]
    [InlineData("rest.recordsPath", "\"$.data-set._rows\"")]
    [InlineData("rest.headers", "{\"Accept\":\"text/csv\",\"X-Api-Key\":\"secret:crm_key\"}")]
    [InlineData("rest.pagination", "{\"type\":\"page\",\"param\":\"page\",\"sizeParam\":\"per_page\",\"size\":100}")]
    [InlineData("rest.pagination", "{\"type\":\"page\",\"param\":\"page\"}")]
    [InlineData("rest.pagination", "{\"type\":\"cursor\",\"param\":\"cursor\",\"path\":\"$.next_cursor\"}")]
    [InlineData("rest.pagination", "{\"type\":\"offset\",\"param\":\"offset\",\"limitParam\":\"limit\",\"size\":100}")]
    [InlineData("rest.pagination", null)]
    [InlineData("rest.url", "\"http://127.0.0.1:8080/customers?active=true\"")]
    [InlineData("schedule", null)]
    [InlineData("timeZone", null)]
    [InlineData("mapping", null)]
    public void Documented_variants_of_a_rest_source_are_valid(string path, string? json) =>
        Assert.Null(Read(Edit("rest", path, json)).Validate());

    [Theory]
    [InlineData("with recent as (select * from orders where id > 10) select * from recent")]
    [InlineData("  SELECT id, note FROM orders WHERE note <> ';' AND \"odd;name\" = 1;  ")]
    [InlineData("select [a;b] from t -- ; not a statement")]
    [InlineData("/* nightly */ select 'it''s; fine' from t")]
    [InlineData("select E'it\\'s; fine', $$a;b$$, $body$;$body$, a$b from t /* outer /* inner; */ still; */;")]
    public void A_single_read_query_passes_the_guard(string query) => Assert.Null(ReadOnlyQuery.Check(query));

    [Theory]
    [InlineData("select E'\\';' ; commit; insert into t values (1)", 15)]
    [InlineData("select $$;$$; commit; create table pwned(x int)", 13)]
    [InlineData("select 1 /* a /* b */ c */; commit", 27)]
    public void Postgres_strings_and_nested_comments_do_not_hide_a_second_statement(string query, int at) =>
        Assert.Equal($"holds more than one statement: the ';' at character {at} is followed by more. Give one select.", ReadOnlyQuery.Check(query));

    [Theory]
    [InlineData("{\"name\":\"a\",\"kind\":\"rest\",\"dataset\":\"b\",\"rest\":{\"url\":\"https://x\",\"pagination\":{\"tpye\":\"page\"}}}", "'rest.pagination.tpye' is not a field of a source definition")]
    [InlineData("{\"name\":\"a\",\"enabled\":\"yes\"}", "'enabled' is not a field of a source definition, or its value has the wrong type.")]
    [InlineData("[]", "The body is not a JSON source definition")]
    [InlineData("null", "The body is not a JSON source definition")]
    public void A_body_of_the_wrong_shape_names_the_field(string json, string expected)
    {
        Assert.Null(SourceDefinition.TryRead(json, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_definition_stores_and_comes_back_as_given_with_its_next_run()
    {
        var definition = Read(Rest);
        var now = new DateTime(2026, 5, 4, 10, 7, 0, DateTimeKind.Utc);

        var source = definition.ToSource(now);
        var back = SourceDefinition.From(source);

        Assert.Equal("crm-customers", source.NormalizedName);
        Assert.Equal(new DateTime(2026, 5, 4, 10, 15, 0, DateTimeKind.Utc), source.NextRunAt);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(definition, SourceDefinition.Json), System.Text.Json.JsonSerializer.Serialize(back, SourceDefinition.Json));
        Assert.Equal("secret:crm-token", back.Rest!.Headers!["Authorization"]);
        Assert.Null(back.Database);
    }

    [Fact]
    public void A_disabled_or_manual_source_has_no_next_run_and_the_default_zone_is_UTC()
    {
        var now = new DateTime(2026, 5, 4, 10, 7, 0, DateTimeKind.Utc);

        var disabled = Read(Edit("rest", "enabled", "false")).ToSource(now);
        var manual = Read(Edit("dropzone", "timeZone", null)).ToSource(now);

        Assert.Null(disabled.NextRunAt);
        Assert.Null(manual.NextRunAt);
        Assert.Null(manual.Schedule);
        Assert.Equal("UTC", manual.TimeZone);
        Assert.True(manual.Enabled);
    }

    [Fact]
    public void Saving_a_source_keeps_its_cursor_unless_the_field_url_query_or_dataset_it_belongs_to_changes()
    {
        var now = new DateTime(2026, 5, 4, 10, 7, 0, DateTimeKind.Utc);
        var definition = Read(Rest) with { };
        definition = definition with { Rest = definition.Rest! with { Incremental = new RestIncremental { CursorField = "updated_at", Param = "since" } } };
        var source = definition.ToSource(now);
        source.Cursor = "2026-05-04T09:00:00Z";

        (definition with { Schedule = "0 * * * *", Rest = definition.Rest with { Headers = new Dictionary<string, string> { ["Authorization"] = "secret:other" } } })
            .ApplyTo(source, now);
        Assert.Equal("2026-05-04T09:00:00Z", source.Cursor);

        (definition with { Rest = definition.Rest with { Incremental = new RestIncremental { CursorField = "modified", Param = "since" } } }).ApplyTo(source, now);
        Assert.Null(source.Cursor);

        source.Cursor = "42";
        (definition with { Rest = definition.Rest with { Url = "https://crm.example.com/api/v2/customers" } }).ApplyTo(source, now);
        Assert.Null(source.Cursor);

        source.Cursor = "43";
        (definition with { Rest = definition.Rest with { Url = "https://crm.example.com/api/v2/customers\n" } }).ApplyTo(source, now);
        Assert.Equal("43", source.Cursor);
        (definition with { Dataset = "customers_v2", Rest = definition.Rest with { Url = "https://crm.example.com/api/v2/customers" } }).ApplyTo(source, now);
        Assert.Null(source.Cursor);
    }
}
