using System.Text.Json.Nodes;
using Diviora.Web.Api;

namespace Diviora.Web.Sources;

/// <summary>A source's mapping as rows: renames (field → column) and constants (column = value).</summary>
public sealed class MappingForm
{
    public List<NameValueRow> Renames { get; } = [];

    public List<ConstantRow> Constants { get; } = [];

    public static MappingForm From(SourceMapping? mapping)
    {
        var form = new MappingForm();
        form.Renames.AddRange((mapping?.Columns ?? new Dictionary<string, string>()).Select(r => new NameValueRow { Name = r.Key, Value = r.Value }));
        form.Constants.AddRange((mapping?.Constants ?? new Dictionary<string, System.Text.Json.JsonElement>()).Select(c => ConstantRow.From(c.Key, c.Value)));
        return form;
    }

    /// <summary>What the form can tell before asking the Api: a field renamed twice, a constant that is not of its type.</summary>
    public string? Problem()
    {
        var renamed = Renames.Where(r => !r.IsBlank).GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (renamed is not null)
        {
            return $"mapping.columns: the field '{renamed.Key}' is renamed twice; keep one row for it.";
        }

        var constant = Constants.Where(c => !c.IsBlank).GroupBy(c => c.Column, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return constant is not null
            ? $"mapping.constants: the column '{constant.Key}' is given twice; keep one row for it."
            : Constants.Where(c => !c.IsBlank).Select(c => c.Problem()).FirstOrDefault(p => p is not null);
    }

    /// <summary>The <c>mapping</c> block, or null when no row is filled in.</summary>
    public JsonObject? ToJson()
    {
        var mapping = new JsonObject();
        if (DefinitionJson.Pairs(Renames) is { } columns)
        {
            mapping["columns"] = columns;
        }

        var constants = Constants.Where(c => !c.IsBlank).ToList();
        if (constants.Count > 0)
        {
            var values = new JsonObject();
            foreach (var constant in constants)
            {
                values[constant.Column.Trim()] = constant.ToJson();
            }

            mapping["constants"] = values;
        }

        return mapping.Count == 0 ? null : mapping;
    }
}
