using System.Text.Json;
using System.Text.Json.Nodes;
using Diviora.Web.Charts;

namespace Diviora.Tests.Web.Components;

/// <summary>Saving a chart changes the settings' charts and nothing else the Api keeps there.</summary>
[Trait("Category", "Unit")]
public sealed class DatasetSettingsJsonTests
{
    private static readonly JsonElement Settings = JsonDocument.Parse("""
        {
          "key": ["id"],
          "columns": [{"name":"amount","type":"decimal","min":0,"required":true},{"name":"code","pattern":"^[0-9]{5}$","default":"00000"}],
          "indexes": [["country","day"]],
          "retention": {"days": 30, "future": [1, "two", null]},
          "charts": [
            {"name":"By country","type":"bar","groupBy":"country","measures":"count()"},
            {"name":"Trend","type":"line","groupBy":"day","measures":"sum(amount)","filter":"amount gt 0"}
          ]
        }
        """).RootElement;

    [Fact]
    public void Saving_a_chart_keeps_every_other_setting_as_it_was()
    {
        var saved = DatasetSettingsJson.WithChart(Settings, new ChartSpec("Mix", "pie", "country", "sum(amount)"));

        var before = JsonNode.Parse(Settings.GetRawText())!.AsObject();
        Assert.Equal(before.Select(p => p.Key), saved.Select(p => p.Key));
        foreach (var (name, value) in before.Where(p => p.Key != "charts"))
        {
            Assert.True(JsonNode.DeepEquals(value, saved[name]), $"'{name}' changed: {saved[name]?.ToJsonString()}");
        }
    }

    [Fact]
    public void A_new_chart_is_added_after_the_saved_ones()
    {
        var saved = Reread(DatasetSettingsJson.WithChart(Settings, new ChartSpec("Mix", "pie", "country", "sum(amount)")));

        var charts = DatasetSettingsJson.Charts(saved);

        Assert.Equal(["By country", "Trend", "Mix"], charts.Select(c => c.Name));
        Assert.Equal(new ChartSpec("Trend", "line", "day", "sum(amount)", "amount gt 0"), charts[1]);
        Assert.Equal(new ChartSpec("Mix", "pie", "country", "sum(amount)"), charts[2]);
    }

    [Fact]
    public void A_chart_of_the_same_name_in_another_case_is_replaced()
    {
        var saved = DatasetSettingsJson.WithChart(Settings, new ChartSpec("BY COUNTRY", "pie", "country", "sum(amount)"));

        var charts = DatasetSettingsJson.Charts(Reread(saved));

        Assert.Equal(["Trend", "BY COUNTRY"], charts.Select(c => c.Name));
        Assert.Equal("pie", charts[1].Type);
        // The Api reads camelCase names; a chart without a filter carries none.
        Assert.Equal("""{"name":"BY COUNTRY","type":"pie","groupBy":"country","measures":"sum(amount)"}""", saved["charts"]![1]!.ToJsonString());
    }

    [Fact]
    public void Removing_a_chart_keeps_the_others_and_every_other_setting()
    {
        var saved = DatasetSettingsJson.WithoutChart(Settings, "trend");

        Assert.Equal(["By country"], DatasetSettingsJson.Charts(Reread(saved)).Select(c => c.Name));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Settings.GetProperty("columns").GetRawText()), saved["columns"]));
    }

    [Fact]
    public void Settings_without_charts_have_none_and_get_the_first_one()
    {
        var settings = JsonDocument.Parse("""{"key":["id"]}""").RootElement;

        Assert.Empty(DatasetSettingsJson.Charts(settings));
        Assert.Empty(DatasetSettingsJson.Charts(default));
        Assert.Empty(DatasetSettingsJson.Charts(JsonDocument.Parse("""{"charts":null}""").RootElement));

        var saved = DatasetSettingsJson.WithChart(settings, new ChartSpec("First", "bar", "day", "count()"));
        Assert.Equal("""{"key":["id"],"charts":[{"name":"First","type":"bar","groupBy":"day","measures":"count()"}]}""", saved.ToJsonString());
    }

    [Fact]
    public void Missing_settings_become_an_object_with_the_chart()
    {
        var saved = DatasetSettingsJson.WithChart(default, new ChartSpec("First", "bar", "day", "count()"));

        Assert.Equal(["charts"], saved.Select(p => p.Key));
    }

    private static JsonElement Reread(JsonObject settings) => JsonDocument.Parse(settings.ToJsonString()).RootElement;
}
