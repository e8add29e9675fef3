using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>Dataset settings decide what happens to rows that do not fit: listed as rejects, or the run fails.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class SettingsAndRejectsTests(PlatformFixture platform)
{
    private readonly HttpClient _api = platform.Api;

    [Fact]
    public async Task Rejected_rows_are_listed_with_row_column_value_and_reason_and_downloadable_as_csv()
    {
        await PutAsync("with-rejects", """{"nullTokens": ["N/A"], "columns": [{"name": "id", "type": "integer"}, {"name": "amount", "type": "integer"}]}""");
        await _api.LoadAsync("with-rejects", "id,amount\n1,2\n");

        var run = await _api.LoadAsync("with-rejects", "id,amount\n2,N/A\n3,\"lots, really\"\n4,5\nfive,6\n");

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal((4L, 2L, 2L), (run.GetProperty("rowsRead").GetInt64(), run.GetProperty("rowsLoaded").GetInt64(), run.GetProperty("rowsRejected").GetInt64()));
        var page = await _api.GetFromJsonAsync<JsonElement>(run.GetProperty("rejects").GetString() + "?offset=1&limit=10");
        Assert.Equal(2, page.GetProperty("total").GetInt64());
        var reject = Assert.Single(page.GetProperty("rejects").EnumerateArray());
        Assert.Equal((4L, "id", "five"), (reject.GetProperty("rowNumber").GetInt64(), reject.GetProperty("column").GetString(), reject.GetProperty("value").GetString()));

        var csv = await _api.GetStringAsync(page.GetProperty("download").GetString());
        Assert.Equal(
            "rowNumber,column,value,reason\n" +
            "2,amount,\"lots, really\",\"'lots, really' is not an integer, the column's type.\"\n" +
            "4,id,\"five\",\"'five' is not an integer, the column's type.\"\n",
            csv);
        var rows = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/with-rejects/rows");
        Assert.Equal(JsonValueKind.Null, rows.GetProperty("rows")[1].GetProperty("amount").ValueKind);
    }

    [Fact]
    public async Task Past_the_rejected_share_the_run_fails_and_the_dataset_stays_as_it_was()
    {
        await PutAsync("strict-share", """{"maxRejectedPercent": 10, "columns": [{"name": "n", "type": "integer"}]}""");
        await _api.LoadAsync("strict-share", "n\n1\n");

        var run = await _api.LoadAsync("strict-share", "n\n2\nx\n");

        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.StartsWith("1 of 2 rows (50%) were rejected, more than the dataset's limit of 10%.", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, run.GetProperty("rowsRejected").GetInt64());
        var rejects = await _api.GetFromJsonAsync<JsonElement>(run.GetProperty("rejects").GetString()!);
        Assert.Equal("x", rejects.GetProperty("rejects")[0].GetProperty("value").GetString());
        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/strict-share");
        Assert.Equal(1, dataset.GetProperty("rowCount").GetInt64());
    }

    [Fact]
    public async Task With_on_invalid_row_fail_the_first_invalid_row_fails_the_run()
    {
        await PutAsync("strict-rows", """{"onInvalidRow": "fail", "columns": [{"name": "n", "type": "integer"}]}""");
        await _api.LoadAsync("strict-rows", "n\n1\n");

        var run = await _api.LoadAsync("strict-rows", "n\n2\nx\n");

        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.Equal("Row 2 (line 3), column 'n': 'x' is not an integer, the column's type.", run.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("rejects").ValueKind);
    }

    [Fact]
    public async Task Column_rules_clean_rename_and_check_values_and_list_what_they_refuse()
    {
        await PutAsync("cleaned", """
            {"columns": [
              {"name": "country", "trim": true, "case": "upper", "allowed": ["DE", "FR"]},
              {"name": "amount", "type": "decimal", "min": 0},
              {"name": "ordered", "format": "dd/MM/yyyy", "rename": "ordered_on"},
              {"name": "code", "pattern": "^[A-Z]{2}$", "required": true}
            ]}
            """);

        var run = await _api.LoadAsync("cleaned",
            "country,amount,ordered,code\n de ,12.50,31/01/2024,AB\nfr,-1,01/02/2024,CD\nIT,3,02/02/2024,EF\nDE,4,32/01/2024,GH\nFR,5,03/02/2024,\nFR,x,04/02/2024,IJ\n");

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal((6L, 1L, 5L), (run.GetProperty("rowsRead").GetInt64(), run.GetProperty("rowsLoaded").GetInt64(), run.GetProperty("rowsRejected").GetInt64()));
        var rows = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/cleaned/rows");
        Assert.Equal("""[{"country":"DE","amount":12.50,"ordered_on":"2024-01-31","code":"AB"}]""", rows.GetProperty("rows").GetRawText());
        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/cleaned");
        Assert.Equal("date", dataset.GetProperty("columns")[2].GetProperty("type").GetString());
        var rejects = await _api.GetFromJsonAsync<JsonElement>(run.GetProperty("rejects").GetString()!);
        Assert.Equal(
            ["2 amount: '-1' is less than the minimum 0", "3 country: 'IT' is not one of DE, FR", "4 ordered_on: '32/01/2024' does not match the format dd/MM/yyyy",
             "5 code: a value is required", "6 amount: 'x' is not a decimal, the column's type."],
            rejects.GetProperty("rejects").EnumerateArray().Select(r => $"{r.GetProperty("rowNumber")} {r.GetProperty("column").GetString()}: {r.GetProperty("reason").GetString()}"));
    }

    [Fact]
    public async Task Upsert_merges_on_the_key_with_the_last_row_of_a_file_winning()
    {
        await PutAsync("customers", """{"mode": "upsert", "key": ["id"]}""");

        var first = await _api.LoadAsync("customers", "id,name\n1,Ada\n2,Bob\n1,Ada L.\n");
        var second = await _api.LoadAsync("customers", "id,name\n2,Bobby\n3,Cy\n,Nobody\n");

        Assert.Equal("Succeeded", first.GetProperty("status").GetString());
        Assert.Equal("Succeeded", second.GetProperty("status").GetString());
        Assert.Equal(1, second.GetProperty("rowsRejected").GetInt64());
        var rows = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/customers/rows");
        Assert.Equal(3, rows.GetProperty("total").GetInt64());
        // Rows stay in the order their winning row was first loaded; an update keeps a row where it was.
        Assert.Equal("""[{"id":2,"name":"Bobby"},{"id":1,"name":"Ada L."},{"id":3,"name":"Cy"}]""", rows.GetProperty("rows").GetRawText());
        var rejects = await _api.GetFromJsonAsync<JsonElement>(second.GetProperty("rejects").GetString()!);
        Assert.Equal("a key value is required: the dataset identifies rows by it.", rejects.GetProperty("rejects")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Append_with_a_key_rejects_rows_whose_key_is_loaded_or_repeats()
    {
        await PutAsync("orders-once", """{"key": ["id"]}""");

        var first = await _api.LoadAsync("orders-once", "id,v\n1,a\n2,b\n1,c\n");
        var second = await _api.LoadAsync("orders-once", "id,v\n2,x\n3,y\n");

        Assert.Equal((2L, 1L), (first.GetProperty("rowsLoaded").GetInt64(), first.GetProperty("rowsRejected").GetInt64()));
        Assert.Equal((1L, 1L), (second.GetProperty("rowsLoaded").GetInt64(), second.GetProperty("rowsRejected").GetInt64()));
        var rows = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/orders-once/rows");
        Assert.Equal("""[{"id":1,"v":"a"},{"id":2,"v":"b"},{"id":3,"v":"y"}]""", rows.GetProperty("rows").GetRawText());
        var rejects = await _api.GetFromJsonAsync<JsonElement>(second.GetProperty("rejects").GetString()!);
        Assert.Equal(
            """{"rowNumber":1,"column":"id","value":"2","reason":"duplicate key: id '2' is already loaded or appears earlier in the file."}""",
            rejects.GetProperty("rejects")[0].GetRawText());
    }

    [Fact]
    public async Task Replace_swaps_the_whole_table_for_the_last_file()
    {
        await PutAsync("snapshot", """{"mode": "replace"}""");
        await _api.LoadAsync("snapshot", "n\n1\n2\n3\n");

        var run = await _api.LoadAsync("snapshot", "n\n4\n");

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var rows = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/snapshot/rows");
        Assert.Equal("""{"total":1,"rows":[{"n":4}],"nextCursor":null}""", rows.GetRawText());
    }

    [Fact]
    public async Task Null_tokens_are_null_by_default_and_values_when_the_dataset_says_so()
    {
        await PutAsync("literal-tokens", """{"nullTokens": []}""");

        await _api.LoadAsync("default-tokens", "n\n1\nNULL\nN/A\n3\n");
        await _api.LoadAsync("literal-tokens", "n\n1\nNULL\n");

        var typed = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/default-tokens/rows");
        var literal = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/literal-tokens/rows");
        Assert.Equal("""[{"n":1},{"n":null},{"n":null},{"n":3}]""", typed.GetProperty("rows").GetRawText());
        Assert.Equal("""[{"n":"1"},{"n":"NULL"}]""", literal.GetProperty("rows").GetRawText());
    }

    [Fact]
    public async Task A_column_in_diviora_namespace_fails_until_the_dataset_renames_it()
    {
        const string export = "[{\"_id\": \"a1\", \"name\": \"Ada\"}]";
        using var refused = await _api.UploadAsync("mongo-export", export, "export.json");
        var failed = await _api.WaitForRunAsync(refused.Headers.Location!.ToString());

        await PutAsync("mongo-export", """{"columns": [{"name": "_id", "rename": "id"}]}""");
        using var accepted = await _api.UploadAsync("mongo-export", export, "export.json");
        var loaded = await _api.WaitForRunAsync(accepted.Headers.Location!.ToString());

        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Contains("\"rename\": \"id\"", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("Succeeded", loaded.GetProperty("status").GetString());
        var rows = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/mongo-export/rows");
        Assert.Equal("""[{"id":"a1","name":"Ada"}]""", rows.GetProperty("rows").GetRawText());
    }

    [Fact]
    public async Task Settings_are_stored_and_shown_with_the_dataset()
    {
        using var response = await PutAsync("configured", """{"onInvalidRow": "fail", "maxRejectedPercent": 5, "nullTokens": ["NULL", ""]}""");

        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/configured");

        Assert.Equal(
            """{"mode":"append","onInvalidRow":"fail","maxRejectedPercent":5,"nullTokens":["NULL",""]}""",
            dataset.GetProperty("settings").GetRawText());
    }

    [Theory]
    [InlineData("""{"mode": "upsert"}""", "mode 'upsert' needs a key")]
    [InlineData("""{"mode": "upsert", "key": ["id", "id"]}""", "key must list distinct column names.")]
    [InlineData("""{"mode": "merge"}""", "mode 'merge' is not one of append, upsert, replace.")]
    [InlineData("""{"onInvalidRow": "ignore"}""", "onInvalidRow 'ignore' is not one of reject, fail.")]
    [InlineData("""{"maxRejectedPercent": 150}""", "maxRejectedPercent must be between 0 and 100")]
    [InlineData("""{"mode": "append", "sourcePriority": ["erp"]}""", "sourcePriority applies to mode 'upsert' only")]
    [InlineData("""{"mode": "upsert", "key": ["id"], "sourcePriority": ["erp", "ERP"]}""", "sourcePriority must list at most 32 distinct source names")]
    [InlineData("""{"mode": "upsert", "key": ["id"], "documents": true, "sourcePriority": ["erp"]}""", "sourcePriority does not apply to documents")]
    [InlineData("""{"columns": [{"name": "a", "type": "money"}]}""", "columns[0] ('a'): ")]
    [InlineData("""{"columns": [{"name": "a", "pattern": "("}]}""", "columns[0] ('a'): ")]
    [InlineData("""{"columns": [{"name": "a"}, {"name": "a"}]}""", "columns[1]: 'a' is listed twice.")]
    public async Task Invalid_settings_are_a_400_that_names_the_setting(string body, string expected)
    {
        using var response = await PutAsync("misconfigured", body, ensureSuccess: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(expected, (await response.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_setting_is_refused_rather_than_ignored()
    {
        using var response = await PutAsync("misconfigured", """{"onInvalidRows": "fail"}""", ensureSuccess: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'onInvalidRows' is not a setting, or its value has the wrong type.", (await response.ProblemAsync()).GetProperty("detail").GetString());
    }

    private async Task<HttpResponseMessage> PutAsync(string dataset, string json, bool ensureSuccess = true)
    {
        var response = await _api.PutAsync($"/api/datasets/{dataset}", new StringContent(json, Encoding.UTF8, "application/json"));
        if (ensureSuccess)
        {
            response.EnsureSuccessStatusCode();
        }

        return response;
    }
}
