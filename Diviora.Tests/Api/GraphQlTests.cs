using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Diviora.Api.Apis;
using Diviora.Api.GraphQl;
using Diviora.Core.Catalog;
using Diviora.Tests.Access;
using Diviora.Tests.Engine;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diviora.Tests.Api;

/// <summary>
/// The GraphQL endpoint over a real engine: the schema follows the catalog, each dataset has a typed field, errors
/// come back GraphQL-style, and the limits refuse hostile documents before they run.
/// </summary>
[Trait("Category", "Platform")]
public sealed class GraphQlTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    private const string Sales =
        "id,amount,active,name,day,Contact Phone,ratio,at,\"a,b\"\n" +
        "1,1.50,true,Ann,2024-01-02,+49 30 1234,6.02e23,2024-01-02T03:04:05,x\n" +
        "2,20.25,false,Bob,2024-02-03,+49 30 5678,1.5e-3,2024-02-03T04:05:06,y\n";

    [Fact]
    public async Task Datasets_and_their_columns_are_listed()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        await host.Engine.LoadAsync("sales-2024", Sales);

        var data = await host.DataAsync("""
            { datasets { name rowCount createdAt updatedAt field columns { name type nullable field } }
              dataset(name: "SALES-2024") { name runs { status rowsLoaded } } }
            """);

        var sales = Assert.Single(data.GetProperty("datasets").EnumerateArray());
        Assert.Equal(("sales-2024", 2L, "sales_2024"), (sales.GetProperty("name").GetString(), sales.GetProperty("rowCount").GetInt64(), sales.GetProperty("field").GetString()));
        Assert.NotEqual(JsonValueKind.Null, sales.GetProperty("updatedAt").ValueKind);
        var columns = sales.GetProperty("columns").EnumerateArray()
            .Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("type").GetString()}:{c.GetProperty("field").GetString()}").ToList();
        Assert.Equal(
            ["id:integer:id", "amount:decimal:amount", "active:boolean:active", "name:text:name", "day:date:day",
             "Contact Phone:text:Contact_Phone", "ratio:double:ratio", "at:timestamp:at", "a,b:text:a_b"],
            columns);
        var run = Assert.Single(data.GetProperty("dataset").GetProperty("runs").EnumerateArray());
        Assert.Equal(("Succeeded", 2L), (run.GetProperty("status").GetString(), run.GetProperty("rowsLoaded").GetInt64()));
    }

    [Fact]
    public async Task A_datasets_own_field_answers_rows_with_typed_scalars()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        await host.Engine.LoadAsync("sales-2024", Sales);

        var first = (await host.DataAsync("""
            { sales_2024(limit: 1) { total nextCursor rows { id amount active name day Contact_Phone ratio at a_b } } }
            """)).GetProperty("sales_2024");
        var types = (await host.DataAsync("""{ __type(name: "Sales_2024") { fields { name description type { name } } } }"""))
            .GetProperty("__type").GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => (Type: f.GetProperty("type").GetProperty("name").GetString(), Description: f.GetProperty("description").GetString()));

        Assert.Equal(2, first.GetProperty("total").GetInt64());
        var row = Assert.Single(first.GetProperty("rows").EnumerateArray());
        Assert.Equal(JsonValueKind.Number, row.GetProperty("id").ValueKind);
        Assert.Equal("1", row.GetProperty("id").GetRawText());
        Assert.Equal("1.50", row.GetProperty("amount").GetRawText());
        Assert.Equal(JsonValueKind.True, row.GetProperty("active").ValueKind);
        Assert.Equal("Ann", row.GetProperty("name").GetString());
        Assert.Equal("2024-01-02", row.GetProperty("day").GetString());
        Assert.Equal("+49 30 1234", row.GetProperty("Contact_Phone").GetString());
        Assert.Equal(6.02e23, row.GetProperty("ratio").GetDouble());
        Assert.Equal("2024-01-02T03:04:05", row.GetProperty("at").GetString());
        Assert.Equal("x", row.GetProperty("a_b").GetString());
        Assert.Equal("Long", types["id"].Type);
        Assert.Equal("Decimal", types["amount"].Type);
        Assert.Equal("Boolean", types["active"].Type);
        Assert.Equal("String", types["name"].Type);
        Assert.Equal("Date", types["day"].Type);
        Assert.Equal("Float", types["ratio"].Type);
        Assert.Equal("String", types["at"].Type);
        Assert.Contains("'Contact Phone'", types["Contact_Phone"].Description, StringComparison.Ordinal);

        // The cursor of the first page reads the second, passed through as a variable.
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = (await host.DataAsync(
            "query Next($cursor: String) { sales_2024(limit: 1, cursor: $cursor) { nextCursor rows { name } } }",
            JsonSerializer.Serialize(new { cursor }))).GetProperty("sales_2024");
        Assert.Equal("Bob", Assert.Single(second.GetProperty("rows").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Dataset_and_column_names_become_unique_graphql_names()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        var loaded = await host.Engine.LoadAsync("run", "a b,a_b,1st,Größe,-x\n1,2,3,4,5\n");
        Assert.Null(loaded.Error);
        await host.Engine.LoadAsync("Run-log", "id\n1\n");

        var data = await host.DataAsync("""
            { run_2 { rows { a_b a_b_2 _1st Gro_e _x } }
              run_log { rows { id } }
              rowType: __type(name: "Run_2") { name }
              logType: __type(name: "Run_log") { name }
              run: __type(name: "Run") { fields { name } } }
            """);

        var row = Assert.Single(data.GetProperty("run_2").GetProperty("rows").EnumerateArray());
        Assert.Equal(["1", "2", "3", "4", "5"], row.EnumerateObject().Select(p => p.Value.GetRawText()).ToArray());
        Assert.Single(data.GetProperty("run_log").GetProperty("rows").EnumerateArray());
        Assert.Equal("Run_2", data.GetProperty("rowType").GetProperty("name").GetString());
        Assert.Equal("Run_log", data.GetProperty("logType").GetProperty("name").GetString());
        // The built-in Run type is untouched by the dataset named run.
        Assert.Contains(data.GetProperty("run").GetProperty("fields").EnumerateArray(), f => f.GetProperty("name").GetString() == "rejects");
        Assert.Equal("Gro_e", GraphQlNames.Sanitize("Größe"));
        Assert.Equal("_2024_total", GraphQlNames.Sanitize("2024 total"));
        Assert.Equal("Sales_2024", GraphQlNames.TypeName("sales-2024"));
    }

    [Fact]
    public void Only_the_columns_selected_under_rows_are_read_quoted_as_the_query_language_needs()
    {
        DatasetColumn[] columns =
        [
            new() { Name = "id", PhysicalName = "id", Ordinal = 0 },
            new() { Name = "a,b", PhysicalName = "a_b", Ordinal = 1 },
            new() { Name = "say \"hi\"", PhysicalName = "say_hi", Ordinal = 2 },
            new() { Name = "unused", PhysicalName = "unused", Ordinal = 3 },
        ];
        var byField = new Dictionary<string, DatasetColumn> { ["id"] = columns[0], ["a_b"] = columns[1], ["say_hi"] = columns[2], ["unused"] = columns[3] };
        string Select(string query)
        {
            var document = GraphQLParser.Parser.Parse(query);
            var page = document.Definitions.OfType<GraphQLOperationDefinition>().Single().SelectionSet.Selections.OfType<GraphQLField>().Single();
            return DatasetRowsField.Select(page.SelectionSet, document, byField, columns[0]);
        }

        Assert.Equal("id,\"a,b\",\"say \"\"hi\"\"\"", Select("""
            { t { total ...Page rows { ... on T { say_hi } } } }
            fragment Page on TPage { first: rows { a_b __typename } rows { id } }
            """));
        Assert.Equal("id", Select("{ t { total } }"));
    }

    [Fact]
    public async Task A_dataset_loaded_after_the_first_query_is_in_the_schema_without_a_restart()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        await host.Engine.LoadAsync("first", "id\n1\n");
        await host.DataAsync("{ first { total } }");
        var before = await host.QueryAsync("{ later { total } }");
        Assert.True(before.TryGetProperty("errors", out _));

        await host.Engine.LoadAsync("later", "id,name\n1,a\n2,b\n");
        await host.Engine.LoadAsync("first", "id,added\n2,new\n");

        // Requests racing the rebuild all see the new schema.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.DataAsync("{ later { total rows { name } } first { rows { id added } } }")));
        foreach (var data in answers)
        {
            Assert.Equal(2, data.GetProperty("later").GetProperty("total").GetInt64());
            Assert.Equal(["", "new"], data.GetProperty("first").GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("added").GetString() ?? "").ToArray());
        }
    }

    [Fact]
    public async Task A_runs_rejects_are_read_from_its_rejects_file()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        await host.Engine.SetSettingsAsync("orders", """{"columns":[{"name":"qty","type":"integer"}]}""");
        var run = await host.Engine.LoadAsync("orders", "id,qty\n1,5\n2,many\n3,7\n");

        var data = await host.DataAsync(
            "query Run($id: ID!) { run(id: $id) { id dataset status fileName source rowsRead rowsLoaded rowsRejected rejects { rowNumber column value reason } } " +
            "runs(dataset: \"orders\", status: \"succeeded\") { id } }",
            JsonSerializer.Serialize(new { id = run.Id }));

        var found = data.GetProperty("run");
        Assert.Equal((run.Id.ToString(), "orders", "Succeeded"), (found.GetProperty("id").GetString(), found.GetProperty("dataset").GetString(), found.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.Null, found.GetProperty("source").ValueKind);
        Assert.Equal((3L, 2L, 1L), (found.GetProperty("rowsRead").GetInt64(), found.GetProperty("rowsLoaded").GetInt64(), found.GetProperty("rowsRejected").GetInt64()));
        var reject = Assert.Single(found.GetProperty("rejects").EnumerateArray());
        Assert.Equal((2L, "qty", "many"), (reject.GetProperty("rowNumber").GetInt64(), reject.GetProperty("column").GetString(), reject.GetProperty("value").GetString()));
        Assert.False(string.IsNullOrEmpty(reject.GetProperty("reason").GetString()));
        Assert.Equal(run.Id.ToString(), Assert.Single(data.GetProperty("runs").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_query_the_dataset_layer_refuses_is_a_graphql_error_with_its_message()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        await host.Engine.LoadAsync("sales-2024", Sales);

        var response = await host.QueryAsync("{ sales_2024(limit: 5000) { rows { id } } datasets { name } }");

        var error = Assert.Single(response.GetProperty("errors").EnumerateArray());
        Assert.Equal("limit must be between 1 and 1000; it was 5000.", error.GetProperty("message").GetString());
        var extensions = error.GetProperty("extensions");
        Assert.Equal(("INVALID_QUERY", "limit"), (extensions.GetProperty("code").GetString(), extensions.GetProperty("parameter").GetString()));
        Assert.Equal(JsonValueKind.Null, extensions.GetProperty("position").ValueKind);
        Assert.Equal("sales_2024", Assert.Single(error.GetProperty("path").EnumerateArray()).GetString());
        // The field that failed is null; the rest of the document still answers.
        Assert.Equal(JsonValueKind.Null, response.GetProperty("data").GetProperty("sales_2024").ValueKind);
        Assert.Single(response.GetProperty("data").GetProperty("datasets").EnumerateArray());
    }

    [Fact]
    public async Task The_introspection_query_graphiql_sends_is_answered()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        await host.Engine.LoadAsync("sales-2024", Sales);

        var data = await host.DataAsync(IntrospectionQuery);

        var types = data.GetProperty("__schema").GetProperty("types").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal("Query", data.GetProperty("__schema").GetProperty("queryType").GetProperty("name").GetString());
        Assert.Contains("Sales_2024", types);
        Assert.Contains("Sales_2024Page", types);
        Assert.Contains("Long", types);
        Assert.Contains("Decimal", types);
        Assert.Contains("Date", types);
    }

    [Fact]
    public async Task Documents_too_deep_or_too_large_are_refused_before_they_run()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        var ofTypes = string.Concat(Enumerable.Repeat("ofType { ", 16)) + "name" + new string('}', 16);

        var deep = await host.QueryAsync($"{{ __schema {{ types {{ fields {{ type {{ {ofTypes} }} }} }} }} }}");
        var large = await host.QueryAsync("{ runs(limit: 1000) { rejects(limit: 1000) { reason } } }");

        Assert.False(deep.TryGetProperty("data", out _));
        Assert.Contains("depth", Assert.Single(deep.GetProperty("errors").EnumerateArray()).GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(large.TryGetProperty("data", out _));
        Assert.Contains("complexity", Assert.Single(large.GetProperty("errors").EnumerateArray()).GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_http_endpoints_answer_post_get_bad_requests_and_the_graphiql_page()
    {
        await using var host = await GraphQlHost.StartAsync(azurite);
        await host.Engine.LoadAsync("sales-2024", Sales);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development, ContentRootPath = Path.Combine(AzuriteServer.RepositoryRoot(), "Diviora.Api") });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        host.AddTo(builder.Services);
        using var issuer = new TestIssuer();
        issuer.AddApiAccess(builder);
        await using var app = builder.Build();
        app.MapGraphQlUi();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGraphQlApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", issuer.Token(["Reader"]));

        using var post = await http.PostAsJsonAsync("/graphql", new { query = "query Q($n: String!) { dataset(name: $n) { rowCount } }", variables = new { n = "sales-2024" } });
        using var get = await http.GetAsync(new Uri("/graphql?query=" + Uri.EscapeDataString("{ sales_2024 { total } }"), UriKind.Relative));
        using var broken = await http.PostAsync("/graphql", new StringContent("{\"query\": ", System.Text.Encoding.UTF8, "application/json"));
        using var ui = await http.GetAsync(new Uri(GraphQlApi.UiPath, UriKind.Relative));
        using var bundle = await http.GetAsync(new Uri(GraphQlApi.UiPath + "/assets/graphiql/graphiql.min.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(2, (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("dataset").GetProperty("rowCount").GetInt64());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(2, (await get.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("sales_2024").GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.StartsWith("The body is not a GraphQL request", Assert.Single((await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("/graphql/ui/assets/graphiql/graphiql.min.js", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        await app.StopAsync();
    }

    /// <summary>
    /// graphql-js 16's introspection query, as GraphiQL sends it (nine levels of ofType), with the options a client
    /// may add: the schema's description, repeatable directives and deprecated arguments.
    /// </summary>
    private static readonly string IntrospectionQuery = string.Create(CultureInfo.InvariantCulture, $$"""
        query IntrospectionQuery {
          __schema {
            description
            queryType { name kind } mutationType { name kind } subscriptionType { name kind }
            types { ...FullType }
            directives { name description isRepeatable locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description
          fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields(includeDeprecated: true) { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
        fragment TypeRef on __Type { kind name {{string.Concat(Enumerable.Repeat("ofType { kind name ", 9))}}{{new string('}', 9)}} }
        """);
}
