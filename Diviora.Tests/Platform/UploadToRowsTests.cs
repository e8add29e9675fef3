using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>A CSV goes from upload through blob, queue and worker to typed rows, on the real AppHost.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class UploadToRowsTests(PlatformFixture platform)
{
    private readonly HttpClient _api = platform.Api;

    [Fact]
    public async Task Uploaded_rows_come_back_typed_with_their_text_intact()
    {
        const string csv =
            "id,name,zip,amount,active,joined,Contact Phone Number,note\r\n" +
            "1,Alice,08123,12.50,true,2024-01-02,+49 30 123,\"quoted, comma\"\r\n" +
            "2,Bob,10115,7,false,2024-02-03,0301234,\"multi\r\nline\"\r\n" +
            "3,\"Zoë \"\"Z\"\"\",,-3.25,TRUE,2024-03-04,,\"\"\r\n";
        var bom = Encoding.UTF8.GetPreamble();

        using var upload = await _api.UploadAsync("people", [.. bom, .. Encoding.UTF8.GetBytes(csv)]);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Queued", accepted.GetProperty("status").GetString());
        Assert.Equal($"/api/runs/{accepted.GetProperty("runId").GetString()}", upload.Headers.Location?.ToString());

        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal(3, run.GetProperty("rowsRead").GetInt64());
        Assert.Equal(3, run.GetProperty("rowsLoaded").GetInt64());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("error").ValueKind);

        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/people");
        Assert.Equal(3, dataset.GetProperty("rowCount").GetInt64());
        var columns = dataset.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("name")}:{c.GetProperty("type")}").ToArray();
        Assert.Equal(["id:integer", "name:text", "zip:text", "amount:decimal", "active:boolean", "joined:date", "Contact Phone Number:text", "note:text"], columns);
        var amount = dataset.GetProperty("columns")[3];
        Assert.Equal((4, 2), (amount.GetProperty("precision").GetInt32(), amount.GetProperty("scale").GetInt32()));

        var page = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/people/rows?offset=0&limit=100");
        Assert.Equal(3, page.GetProperty("total").GetInt64());
        var rows = page.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(
            """{"id":1,"name":"Alice","zip":"08123","amount":12.50,"active":true,"joined":"2024-01-02","Contact Phone Number":"+49 30 123","note":"quoted, comma"}""",
            rows[0].GetRawText());
        Assert.Equal("multi\r\nline", rows[1].GetProperty("note").GetString());
        Assert.Equal("Zoë \"Z\"", rows[2].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("zip").ValueKind);
        Assert.Equal("", rows[2].GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_second_file_with_the_same_columns_appends_and_paging_keeps_file_order()
    {
        var first = await _api.LoadAsync("append-me", "n,label\n1,one\n2,two\n");
        var second = await _api.LoadAsync("append-me", "label,n\nthree,3\n");

        Assert.Equal("Succeeded", first.GetProperty("status").GetString());
        Assert.Equal("Succeeded", second.GetProperty("status").GetString());
        var page = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/append-me/rows?offset=1&limit=2");
        Assert.Equal(3, page.GetProperty("total").GetInt64());
        Assert.Equal(["two", "three"], page.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("label").GetString()));
        Assert.Equal(3, page.GetProperty("rows")[1].GetProperty("n").GetInt64());
    }

    [Fact]
    public async Task A_file_with_other_columns_evolves_the_schema_and_the_change_is_recorded()
    {
        await _api.LoadAsync("evolving", "id,amount\n1,2\n");

        var run = await _api.LoadAsync("evolving", "id,total,amount\n2,3,4.5\n");
        var third = await _api.LoadAsync("evolving", "id,total\n3,x\n");

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("Succeeded", third.GetProperty("status").GetString());
        var dataset = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/evolving");
        Assert.Equal(["id:integer:False", "amount:decimal:True", "total:text:True"],
            dataset.GetProperty("columns").EnumerateArray().Select(c => $"{c.GetProperty("name")}:{c.GetProperty("type")}:{c.GetProperty("nullable")}"));
        var page = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/evolving/rows");
        Assert.Equal(
            """[{"id":1,"amount":2,"total":null},{"id":2,"amount":4.5,"total":"3"},{"id":3,"amount":null,"total":"x"}]""",
            page.GetProperty("rows").GetRawText());
        var changes = await _api.GetFromJsonAsync<JsonElement[]>("/api/datasets/evolving/schema-changes");
        Assert.Equal(
            ["created id: integer", "created amount: integer", "added total: integer", "widened amount: integer to decimal",
             "widened total: integer to text", "nullable amount: missing from this file: loaded as null"],
            changes!.Select(c => $"{c.GetProperty("kind").GetString()} {c.GetProperty("column").GetString()}: {c.GetProperty("description").GetString()}"));
        Assert.Equal(third.GetProperty("id").GetString(), changes![^1].GetProperty("runId").GetString());
    }

    [Fact]
    public async Task A_value_that_does_not_fit_the_declared_type_is_rejected_with_its_row_column_and_reason()
    {
        using var put = await _api.PutAsync("/api/datasets/typed",
            new StringContent("""{"columns": [{"name": "amount", "type": "integer"}]}""", Encoding.UTF8, "application/json"));
        put.EnsureSuccessStatusCode();
        await _api.LoadAsync("typed", "id,amount\n1,2\n");

        var run = await _api.LoadAsync("typed", "id,amount\n2,3\n3,lots\n");

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal((2L, 1L, 1L), (run.GetProperty("rowsRead").GetInt64(), run.GetProperty("rowsLoaded").GetInt64(), run.GetProperty("rowsRejected").GetInt64()));
        var rejects = await _api.GetFromJsonAsync<JsonElement>(run.GetProperty("rejects").GetString()!);
        Assert.Equal(
            """{"rowNumber":2,"column":"amount","value":"lots","reason":"'lots' is not an integer, the column's type."}""",
            Assert.Single(rejects.GetProperty("rejects").EnumerateArray()).GetRawText());
        var page = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/typed/rows");
        Assert.Equal(2, page.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_ragged_file_fails_its_run_with_the_row_and_the_field_counts()
    {
        var run = await _api.LoadAsync("ragged", "a,b\n1,2\n3,4,5\n");

        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.Equal(0, run.GetProperty("rowsLoaded").GetInt64());
        Assert.StartsWith("Row 2 (line 3) has 3 fields, but the header has 2.", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        var page = await _api.GetFromJsonAsync<JsonElement>("/api/datasets/ragged/rows");
        Assert.Equal(0, page.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_binary_file_fails_its_run_clearly()
    {
        using var upload = await _api.UploadAsync("binary", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D], "picture.png");
        var run = await _api.WaitForRunAsync(upload.Headers.Location!.ToString());

        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.Contains("binary", run.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_and_filtered_by_dataset()
    {
        var older = await _api.LoadAsync("listed", "x\n1\n");
        var newer = await _api.LoadAsync("listed", "x\n2\n");

        var runs = await _api.GetFromJsonAsync<JsonElement[]>("/api/runs?dataset=listed&limit=10");

        Assert.Equal([newer.GetProperty("id").GetString(), older.GetProperty("id").GetString()], runs!.Select(r => r.GetProperty("id").GetString()));
        Assert.All(runs!, r => Assert.Equal("listed", r.GetProperty("dataset").GetString()));
    }
}
