using Diviora.Core.Ingestion.Validation;
using System.Text.Json;
using static Diviora.Tests.Engine.Validation.Run;

namespace Diviora.Tests.Engine.Validation;

[Trait("Category", "Unit")]
public class SettingsTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private const string SpecExample = """
        { "name": "amount", "type": "decimal", "required": true, "min": 0, "max": 1000000,
          "pattern": "^[A-Z]{2}$", "allowed": ["DE","FR"], "maxLength": 64,
          "rename": "total_amount", "trim": true, "case": "upper", "default": 0,
          "format": "dd/MM/yyyy", "onInvalidRow": "skip" }
        """;

    [Fact]
    public void Json_ReadsEveryFieldWithWebDefaults()
    {
        var s = JsonSerializer.Deserialize<ColumnSettings>(SpecExample, Web)!;
        Assert.Equal("amount", s.Name);
        Assert.Equal("decimal", s.Type);
        Assert.True(s.Required);
        Assert.Equal(0m, s.Min!.Value.GetDecimal());
        Assert.Equal(1000000m, s.Max!.Value.GetDecimal());
        Assert.Equal("^[A-Z]{2}$", s.Pattern);
        Assert.Equal(["DE", "FR"], s.Allowed!);
        Assert.Equal(64, s.MaxLength);
        Assert.Equal("total_amount", s.Rename);
        Assert.Equal("total_amount", s.RenamedName);
        Assert.True(s.Trim);
        Assert.Equal("upper", s.Case);
        Assert.Equal(JsonValueKind.Number, s.Default!.Value.ValueKind);
        Assert.Equal("dd/MM/yyyy", s.Format);
    }

    [Fact]
    public void Json_RoundTripsWithCamelCaseNames_AndDropsUnknownFields()
    {
        var first = JsonSerializer.Deserialize<ColumnSettings>(SpecExample, Web)!;
        string json = JsonSerializer.Serialize(first, Web);

        Assert.Contains("\"maxLength\":64", json, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"amount\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("MaxLength", json, StringComparison.Ordinal);
        Assert.DoesNotContain("onInvalidRow", json, StringComparison.Ordinal);
        Assert.DoesNotContain("renamedName", json, StringComparison.Ordinal);

        var second = JsonSerializer.Deserialize<ColumnSettings>(json, Web)!;
        Assert.Equal(json, JsonSerializer.Serialize(second, Web));
    }

    [Fact]
    public void Json_LeavesOutUnsetFields()
    {
        Assert.Equal("""{"name":"x"}""", JsonSerializer.Serialize(new ColumnSettings { Name = "x" }, Web));
    }

    [Fact]
    public void Json_KeepsDateBoundsAndStringDefaultsAsStrings()
    {
        const string json = """{"name":"d","type":"date","min":"2024-01-01","max":"2024-12-31","default":"2024-06-01"}""";
        var s = JsonSerializer.Deserialize<ColumnSettings>(json, Web)!;
        Assert.Equal("2024-01-01", s.Min!.Value.GetString());
        Assert.Null(s.Validate());
        Assert.Equal(json, JsonSerializer.Serialize(s, Web));
    }

    [Fact]
    public void Json_NameIsRequired()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ColumnSettings>("""{"type":"text"}""", Web));
    }

    [Fact]
    public void Json_NullDefaultMeansNoDefault()
    {
        var s = JsonSerializer.Deserialize<ColumnSettings>("""{"name":"x","type":"integer","default":null,"min":null}""", Web)!;
        Assert.Null(s.Validate());
        Assert.True(Apply(s, null).IsNull);
    }

    [Fact]
    public void Validate_AcceptsACoherentColumn()
    {
        var s = new ColumnSettings
        {
            Name = "country",
            Type = "text",
            Required = true,
            Pattern = "^[A-Z]{2}$",
            Allowed = ["DE", "FR"],
            MaxLength = 2,
            Rename = "country_code",
            Trim = true,
            Case = "upper",
            Default = Json("\"DE\""),
        };
        Assert.Null(s.Validate());
    }

    public static TheoryData<ColumnSettings, string> BadSettings => new()
    {
        { Column() with { Name = " " }, "name must not be empty" },
        { Column("money"), "type 'money' is unknown; use one of text, boolean, integer, decimal, double, date, timestamp, timestamptz" },
        { Column("Decimal"), "type 'Decimal' is unknown; use one of text, boolean, integer, decimal, double, date, timestamp, timestamptz" },
        { Column() with { Rename = "" }, "rename must not be empty; leave it out to keep the name" },
        { Column() with { Rename = "_id" }, "rename '_id' must not start with '_', which is reserved for system columns" },
        { Column() with { Case = "title" }, "case 'title' must be \"upper\" or \"lower\"" },
        { Column() with { Case = "Upper" }, "case 'Upper' must be \"upper\" or \"lower\"" },
        { Column() with { MaxLength = 0 }, "maxLength must be at least 1, not 0" },
        { Column() with { Pattern = "" }, "pattern must not be empty; leave it out to accept any value" },
        { Column() with { Allowed = [] }, "allowed must list at least one value; leave it out to accept any value" },
        { Column() with { Allowed = ["DE", null!] }, "allowed[1] is null; list only strings" },
        { Column() with { Case = "upper", Allowed = ["DE", "fr"] }, "allowed value 'fr' can never match because case is upper" },
        { Column() with { Case = "lower", Allowed = ["DE"] }, "allowed value 'DE' can never match because case is lower" },
        { Column("integer") with { Min = Json("10"), Max = Json("5") }, "min 10 is greater than max 5" },
        { Column("date") with { Min = Json("\"2024-12-31\""), Max = Json("\"2024-01-01\"") }, "min 2024-12-31 is greater than max 2024-01-01" },
        { Column("decimal") with { Min = Json("1e30") }, "min 1e30 is outside the range a decimal can hold" },
        { Column("decimal") with { Max = Json("\"ten\"") }, "max \"ten\" is not a number, which a decimal column needs" },
        { Column("decimal") with { Max = Json("true") }, "max true is not a number, which a decimal column needs" },
        { Column("date") with { Min = Json("20240101") }, "min 20240101 is not an ISO 8601 date string (such as \"2024-01-31\" or \"2024-01-31T08:00:00Z\"), which a date column needs" },
        { Column("date") with { Min = Json("\"01/02/2024\"") }, "min \"01/02/2024\" is not an ISO 8601 date string (such as \"2024-01-31\" or \"2024-01-31T08:00:00Z\"), which a date column needs" },
        { Column("text") with { Min = Json("1") }, "min only applies to integer, decimal, double, date, timestamp and timestamptz columns, not text" },
        { Column() with { Max = Json("1") }, "max only applies to integer, decimal, double, date, timestamp and timestamptz columns, not text" },
        { Column("boolean") with { Min = Json("0") }, "min only applies to integer, decimal, double, date, timestamp and timestamptz columns, not boolean" },
        { Column("date") with { Format = " " }, "format must not be empty; leave it out to keep values as they are" },
        { Column("integer") with { Format = "dd/MM/yyyy" }, "format only applies to text, date, timestamp and timestamptz columns, not integer" },
        { Column("date") with { Format = "dd/MM/yyyy'" }, "format 'dd/MM/yyyy'' is not a valid .NET date format (for example dd/MM/yyyy or MM/dd/yyyy HH:mm)" },
        { Column("date") with { Format = "dd/MM" }, "format 'dd/MM' does not keep the whole date: 1999-12-31 is written as '31/12' and read back as " },
        { Column("date") with { Format = "MM/yyyy" }, "format 'MM/yyyy' does not keep the whole date: 1999-12-31 is written as '12/1999' and read back as 1999-12-01; include the year, month and day" },
        { Column("timestamp") with { Format = "dd/MM/yyyy hh:mm" }, "format 'dd/MM/yyyy hh:mm' loses the hour: 13:45 is written as '31/12/1999 01:45' and read back as 01:45; use HH, or hh with tt" },
        { Column("date") with { Format = "dd/MM/yyyy", Default = Json("\"2024-01-01\"") }, "default '2024-01-01' breaks the column's own rules: '2024-01-01' does not match the format dd/MM/yyyy" },
        { Column() with { Pattern = "^[A-Z]{2}$", Default = Json("\"x\"") }, "default 'x' breaks the column's own rules: 'x' does not match ^[A-Z]{2}$" },
        { Column() with { Required = true, Default = Json("\"\"") }, "default '' breaks the column's own rules: a value is required" },
        { Column("integer") with { Min = Json("1"), Default = Json("0") }, "default '0' breaks the column's own rules: '0' is less than the minimum 1" },
        { Column("integer") with { Default = Json("1.5") }, "default 1.5 is not a whole number but the column type is integer" },
        { Column("integer") with { Default = Json("\"abc\"") }, "default 'abc' is not a number but the column type is integer" },
        { Column("integer") with { Default = Json("true") }, "default true is a boolean but the column type is integer" },
        { Column("date") with { Default = Json("20240101") }, "default 20240101 is a number but the column type is date" },
        { Column() with { Default = Json("[1]") }, "default must be a number, string or boolean, not ARRAY" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_NamesTheFirstBadField(ColumnSettings settings, string expected)
    {
        var message = settings.Validate();
        Assert.NotNull(message);
        Assert.StartsWith(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReportsAnInvalidRegex()
    {
        var message = (Column() with { Pattern = "^([A-Z]$" }).Validate();
        Assert.NotNull(message);
        Assert.StartsWith("pattern '^([A-Z]$' is not a valid regular expression: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AcceptsUsualFormats()
    {
        foreach (var format in new[] { "dd/MM/yyyy", "MM/dd/yyyy HH:mm", "yyyy-MM-dd'T'HH:mm:ssK", "d", "o", "yyyyMMdd", "dd MMM yyyy hh:mm tt" })
        {
            Assert.Null((Column("timestamp") with { Format = format }).Validate());
        }
    }

    [Fact]
    public void Compile_ThrowsWithTheValidateMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => ColumnRules.Compile(Column("money")));
        Assert.StartsWith("column 'col': type 'money' is unknown", ex.Message, StringComparison.Ordinal);
        Assert.Equal("settings", ex.ParamName);
    }
}
