using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Diviora.Tests.Platform;

/// <summary>
/// The check a user makes with curl: every field of an RFC 4180 file comes back from the rows endpoint equal in its
/// text form (null reads as an empty field).
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Platform")]
public sealed class RoundTripTests(PlatformFixture platform)
{
    public static TheoryData<string, string, string[][]> Files => new()
    {
        { "simple", "a,b,c\n1,2,3\n", [["1", "2", "3"]] },
        { "simple-crlf", "a,b,c\r\n1,2,3\r\n", [["1", "2", "3"]] },
        { "comma-in-quotes", "first,last,city,zip\nJohn,Doe,\"Anytown, WW\",08123\n", [["John", "Doe", "Anytown, WW", "08123"]] },
        { "escaped-quotes", "a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n", [["1", "ha \"ha\" ha"], ["3", "4"]] },
        { "quoted-empty", "a,b,c\n1,\"\",\"\"\n2,3,4\n", [["1", "", ""], ["2", "3", "4"]] },
        { "newlines", "a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n", [["1", "2", "3"], ["Once upon \na time", "5", "6"], ["7", "8", "9"]] },
        { "newlines-crlf", "a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n", [["1", "2", "3"], ["Once upon \r\na time", "5", "6"]] },
        { "json-in-field", "key,val\n1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n", [["1", "{\"type\": \"Point\", \"coordinates\": [102.0, 0.5]}"]] },
        { "utf8", "a,b,c\n1,2,3\n4,5,ʤ\n", [["1", "2", "3"], ["4", "5", "ʤ"]] },
        { "spaces-kept", "a,b\n \"x\" , y \n", [[" \"x\" ", " y "]] },
        { "no-trailing-newline", "a,b\n1,2", [["1", "2"]] },
        { "numbers-and-codes", "n,d,code,big\n-7,0.50,007,12345678901234567890\n12,3,010,1\n", [["-7", "0.50", "007", "12345678901234567890"], ["12", "3", "010", "1"]] },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Every_field_comes_back_as_written(string name, string csv, string[][] expected)
    {
        var run = await platform.Api.LoadAsync("rt-" + name, csv);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());

        var page = await platform.Api.GetFromJsonAsync<JsonElement>($"/api/datasets/rt-{name}/rows?limit=1000");

        var rows = page.GetProperty("rows").EnumerateArray()
            .Select(row => row.EnumerateObject().Select(field => TextOf(field.Value)).ToArray())
            .ToArray();
        Assert.Equal(expected, rows);
    }

    private static string TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "",
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}
