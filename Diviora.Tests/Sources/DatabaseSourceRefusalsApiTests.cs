using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Diviora.Tests.Access;
using Microsoft.Data.Sqlite;

namespace Diviora.Tests.Sources;

/// <summary>
/// What an Editor sees of the database source guards through the real Api: a refusal known from the definition alone is
/// a 400 when the source is saved; one known only once its secret is read is <c>ok: false</c> from
/// <c>POST /api/sources/test</c>, naming the field and the rule and never the secret. Each next to one that passes.
/// </summary>
[Trait("Category", "Platform")]
public sealed class DatabaseSourceRefusalsApiTests(InProcessApi api) : IClassFixture<InProcessApi>
{
    private static readonly string[] LocalHosts = ["localhost", "127.0.0.1"];

    private const string Password = "pw-never-in-an-answer";

    [Fact]
    public async Task A_sql_server_query_that_is_more_than_one_select_is_a_400_when_saved()
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"]));

        using var refused = await editor.PostAsync("/api/sources", Json(Database("erp-batch", "sqlserver", "secret:erp-mssql", "select 1 commit delete from orders")));
        using var saved = await editor.PostAsync("/api/sources", Json(Database("erp-one", "sqlserver", "secret:erp-mssql", "select 'commit; delete' as note from orders")));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("database.query must be one SELECT statement that only reads: it holds 3 statements", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
    }

    [Fact]
    public async Task Refusals_that_need_the_secret_come_back_from_a_test_as_not_ok_naming_the_rule()
    {
        using var editor = api.Client(api.Issuer.Token(["Editor"]));
        var outside = Path.Combine(Path.GetDirectoryName(api.SqliteSources)!, "warehouse.db");
        var inside = Path.Combine(api.SqliteSources, $"erp-{Guid.NewGuid():N}.db");
        await using (var erp = new SqliteConnection($"Data Source={inside};Pooling=False"))
        {
            await erp.OpenAsync();
            await using var create = erp.CreateCommand();
            create.CommandText = "create table orders (id integer); insert into orders values (7)";
            await create.ExecuteNonQueryAsync();
        }

        await PutSecretAsync(editor, "erp-warehouse", $"Data Source={outside};Password={Password}");
        await PutSecretAsync(editor, "erp-inside", $"Data Source={inside}");
        await PutSecretAsync(editor, "erp-azure", $"Server=tcp:127.0.0.1,1;Database=erp;Authentication=Active Directory Default;Password={Password}");

        var warehouse = await TestAsync(editor, Database("t1", "sqlite", "secret:erp-warehouse", "select * from catalog_runs"));
        var pragma = await TestAsync(editor, Database("t2", "sqlite", "secret:erp-inside", "select * from pragma_table_info('orders')"));
        using var attach = await editor.PostAsync("/api/sources/test", Json(Database("t5", "sqlite", "secret:erp-inside", $"attach '{outside}' as w")));
        var azure = await TestAsync(editor, Database("t3", "sqlserver", "secret:erp-azure", "select * from orders"));
        var fine = await TestAsync(editor, Database("t4", "sqlite", "secret:erp-inside", "select id from orders"));

        Assert.Equal((false, "Fetching source 't1' failed: database.connection is refused for SQLite: its file is not inside the sources folder (Diviora:Sources:Database:SqliteFolder), once links are followed."),
            (warehouse.GetProperty("ok").GetBoolean(), warehouse.GetProperty("error").GetString()));
        Assert.Equal((false, "Fetching source 't2' failed: The SQLite query failed: SQLite Error 23: 'not authorized'."),
            (pragma.GetProperty("ok").GetBoolean(), pragma.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, attach.StatusCode);
        Assert.Equal("database.query must start with select or with; it starts with 'attach'.", (await attach.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.False(azure.GetProperty("ok").GetBoolean());
        Assert.StartsWith("Fetching source 't3' failed: database.connection may not use Authentication=ActiveDirectoryDefault", azure.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(fine.GetProperty("ok").GetBoolean(), fine.ToString());
        Assert.Equal(7, fine.GetProperty("records")[0].GetProperty("id").GetInt32());
        foreach (var answer in new[] { warehouse, pragma, azure })
        {
            Assert.DoesNotContain(Password, answer.ToString(), StringComparison.Ordinal);
        }
    }

    private static string Database(string name, string provider, string connection, string query) =>
        JsonSerializer.Serialize(new { name, kind = "database", dataset = "orders", database = new { provider, connection, query } });

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task PutSecretAsync(HttpClient client, string name, string value)
    {
        using var put = await client.PutAsync($"/api/secrets/{name}", JsonContent.Create(new { value, allowedHosts = LocalHosts }));
        put.EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> TestAsync(HttpClient client, string definition)
    {
        using var answer = await client.PostAsync("/api/sources/test", Json(definition));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }
}
