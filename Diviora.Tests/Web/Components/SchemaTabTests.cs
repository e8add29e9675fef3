using System.Text.Json;
using Bunit;
using Diviora.Web.Api;
using Diviora.Web.Components.Datasets;

namespace Diviora.Tests.Web.Components;

/// <summary>The schema tab's run settings: the source priority of an upsert dataset fed by several sources.</summary>
[Trait("Category", "Unit")]
public sealed class SchemaTabTests : DashboardContext
{
    private static DatasetSummary Dataset(string settings) => new(
        "customers", 3, null, [new ColumnSummary("id", "integer", false), new ColumnSummary("_source", "text", true)],
        JsonDocument.Parse(settings).RootElement.Clone());

    [Fact]
    public void An_upsert_datasets_source_priority_is_shown_and_saved_as_a_list()
    {
        var dataset = Dataset("""{"mode":"upsert","key":["id"],"sourcePriority":["erp","crm"]}""");
        Api.Answer("/api/datasets/customers/schema-changes", "[]");
        Api.Answer("/api/datasets/customers", JsonSerializer.Serialize(dataset, JsonSerializerOptions.Web));
        var cut = Render<SchemaTab>(p => p.Add(t => t.Dataset, dataset));

        var field = cut.Find("[data-testid=settings-source-priority]");
        Assert.Equal("erp, crm", field.GetAttribute("value"));
        field.Change("crm ,erp,, shop");
        cut.Find("[data-testid=save-settings]").Click();

        cut.WaitForAssertion(() => Assert.Contains(Api.Sent, s => s.Method == "PUT"));
        var sent = JsonDocument.Parse(Api.Sent.Single(s => s.Method == "PUT").Body).RootElement;
        Assert.Equal(["crm", "erp", "shop"], sent.GetProperty("sourcePriority").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Other_modes_neither_show_nor_send_a_source_priority()
    {
        var dataset = Dataset("""{"mode":"append"}""");
        Api.Answer("/api/datasets/customers/schema-changes", "[]");
        Api.Answer("/api/datasets/customers", JsonSerializer.Serialize(dataset, JsonSerializerOptions.Web));
        var cut = Render<SchemaTab>(p => p.Add(t => t.Dataset, dataset));

        Assert.Empty(cut.FindAll("[data-testid=settings-source-priority]"));
        cut.Find("[data-testid=save-settings]").Click();

        cut.WaitForAssertion(() => Assert.Contains(Api.Sent, s => s.Method == "PUT"));
        Assert.False(JsonDocument.Parse(Api.Sent.Single(s => s.Method == "PUT").Body).RootElement.TryGetProperty("sourcePriority", out _));
    }
}
