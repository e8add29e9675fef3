using System.Text.Json.Nodes;
using Diviora.Web.Explore;

namespace Diviora.Tests.Web.Components;

/// <summary>The schema form's column settings: what it reads from the settings and what it sends back to the Api.</summary>
[Trait("Category", "Unit")]
public sealed class ColumnEditTests
{
    [Fact]
    public void A_column_entry_reads_into_the_form_and_back_unchanged()
    {
        var stored = JsonNode.Parse("""
            {"name":"amount","type":"decimal","required":true,"min":0,"max":1000.5,"pattern":"^[0-9.]+$",
             "allowed":["a","b"],"maxLength":12,"rename":"net_amount","trim":true,"case":"upper","default":0.5,"format":"dd.MM.yyyy"}
            """)!.AsObject();

        var edit = ColumnEdit.From("amount", stored);

        Assert.Equal("decimal", edit.Type);
        Assert.True(edit.Required);
        Assert.Equal("0", edit.Min);
        Assert.Equal("1000.5", edit.Max);
        Assert.Equal("a, b", edit.Allowed);
        Assert.Equal("12", edit.MaxLength);
        Assert.Equal("0.5", edit.Default);
        Assert.True(JsonNode.DeepEquals(stored, edit.ToJson()), edit.ToJson().ToJsonString());
    }

    [Fact]
    public void Numbers_are_sent_as_JSON_numbers_and_dates_as_strings()
    {
        var edit = new ColumnEdit { Name = "day", Min = " 10 ", Max = "2024-12-31", MaxLength = "40", Default = "12.50" };

        var json = edit.ToJson();

        Assert.Equal("""{"name":"day","min":10,"max":"2024-12-31","maxLength":40,"default":12.50}""", json.ToJsonString());
    }

    [Fact]
    public void A_default_with_leading_zeros_stays_text()
    {
        // A postal code's default "08123" sent as the number 8123 would load as "8123".
        var edit = new ColumnEdit { Name = "zip", Default = "08123", MaxLength = "05" };

        var json = edit.ToJson();

        Assert.Equal("""{"name":"zip","maxLength":5,"default":"08123"}""", json.ToJsonString());
    }

    [Fact]
    public void An_untouched_edit_has_no_entry_and_a_list_of_only_commas_is_no_list()
    {
        Assert.True(new ColumnEdit { Name = "city" }.IsEmpty);
        Assert.True(ColumnEdit.From("city", null).IsEmpty);
        Assert.True(new ColumnEdit { Name = "city", Min = " ", Pattern = "  ", Allowed = " , ", Case = "" }.IsEmpty);
        Assert.Equal("""{"name":"city"}""", new ColumnEdit { Name = "city" }.ToJson().ToJsonString());
        Assert.False(new ColumnEdit { Name = "city", Trim = true }.IsEmpty);
    }

    [Fact]
    public void Allowed_values_are_split_on_commas_and_trimmed()
    {
        var json = new ColumnEdit { Name = "country", Allowed = " DE, AT ,,CH " }.ToJson();

        Assert.Equal("""{"name":"country","allowed":["DE","AT","CH"]}""", json.ToJsonString());
    }

    [Fact]
    public void The_summary_names_each_rule_and_transform()
    {
        var edit = new ColumnEdit
        {
            Name = "amount",
            Type = "decimal",
            Required = true,
            Min = "0",
            Max = "100",
            Allowed = "1, 2",
            MaxLength = "5",
            Rename = "net",
            Trim = true,
            Case = "upper",
            Default = "0",
            Format = "dd.MM.yyyy",
            Pattern = "^[0-9]+$",
        };

        Assert.Equal(
            "required, ≥ 0, ≤ 100, matches ^[0-9]+$, one of 1, 2, at most 5 chars, renamed to net, trimmed, upper case, default 0, format dd.MM.yyyy, read as decimal",
            edit.Summary());
        Assert.Equal("", new ColumnEdit { Name = "city" }.Summary());
    }

    [Fact]
    public void Stored_allowed_values_with_commas_and_a_spaced_pattern_survive_a_save_that_did_not_touch_them()
    {
        var stored = (JsonObject)JsonNode.Parse("""{"name":"who","allowed":["Smith, John","Doe, Jane"],"pattern":" [A-Z]+ "}""")!;

        var edit = ColumnEdit.From("who", stored);
        edit.Required = true;

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"name":"who","required":true,"pattern":" [A-Z]+ ","allowed":["Smith, John","Doe, Jane"]}"""), edit.ToJson()),
            edit.ToJson().ToJsonString());
    }

    [Fact]
    public void A_range_rule_on_a_detected_column_declares_its_type()
    {
        var edit = ColumnEdit.From("amount", null);
        edit.DetectedType = "decimal";
        edit.Max = "200";

        Assert.Equal("""{"name":"amount","type":"decimal","max":200}""", edit.ToJson().ToJsonString());
    }
}
