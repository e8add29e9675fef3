using System.Text.Json;
using System.Text.Json.Nodes;
using Diviora.Web.Api;

namespace Diviora.Web.Sources;

/// <summary>
/// A source definition as the Sources form edits it. Every kind's block is kept while the person switches kind, and
/// <see cref="ToDefinition"/> writes the JSON the Api takes (docs/sources.md): the chosen kind's block only, without
/// empty optional fields, so that what the Api refuses is what the person typed and its message names that field.
/// </summary>
public sealed class SourceForm
{
    // As the Api: a field it does not know is refused, not dropped on the way back to the form.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public string Name { get; set; } = "";

    public string Kind { get; set; } = SourceKinds.Rest;

    public string Dataset { get; set; } = "";

    /// <summary>A 5-field cron expression; empty runs the source only when asked.</summary>
    public string Schedule { get; set; } = "";

    /// <summary>The IANA zone of the schedule; empty is UTC.</summary>
    public string TimeZone { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public MappingForm Mapping { get; private init; } = new();

    public RestForm Rest { get; private init; } = new();

    public DatabaseForm Database { get; private init; } = new();

    /// <summary>The drop zone's folder in the incoming container, such as <c>customers/</c>.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Drop zones run when a file arrives, so they take no schedule.</summary>
    public bool IsScheduled => Kind != SourceKinds.Dropzone;

    /// <summary>The form for a definition the Api sent, or one the person wrote as JSON.</summary>
    public static SourceForm From(SourceDefinition definition) => new()
    {
        Name = definition.Name ?? "",
        Kind = definition.Kind ?? SourceKinds.Rest,
        Dataset = definition.Dataset ?? "",
        Schedule = definition.Schedule ?? "",
        TimeZone = definition.TimeZone ?? "",
        Enabled = definition.Enabled ?? true,
        Mapping = MappingForm.From(definition.Mapping),
        Rest = RestForm.From(definition.Rest),
        Database = DatabaseForm.From(definition.Database),
        Prefix = definition.Dropzone?.Prefix ?? "",
    };

    /// <summary>Reads a definition written as JSON; null with <paramref name="problem"/> when it is not one.</summary>
    public static SourceForm? FromJson(string json, out string? problem)
    {
        try
        {
            problem = null;
            if (JsonNode.Parse(json) is not JsonObject)
            {
                problem = "The definition must be a JSON object: { \"name\": ..., \"kind\": \"rest\", ... }.";
                return null;
            }

            return From(JsonSerializer.Deserialize<SourceDefinition>(json, Json)!);
        }
        catch (JsonException e)
        {
            problem = e.Path is { Length: > 1 } path
                ? $"'{path[2..]}' is not a field of a source definition, or its value has the wrong type."
                : $"The JSON cannot be read: {e.Message}";
            return null;
        }
    }

    /// <summary>What is wrong before asking the Api (rows given twice, a constant not of its type); null when nothing.</summary>
    public string? Problem() => Mapping.Problem() ?? (Kind == SourceKinds.Rest ? Rest.Problem() : null);

    /// <summary>The definition the Api takes for <c>POST /api/sources</c>, <c>PUT</c> and <c>/api/sources/test</c>.</summary>
    public JsonObject ToDefinition()
    {
        var definition = new JsonObject();
        DefinitionJson.AddText(definition, "name", Name);
        definition["kind"] = Kind;
        definition["dataset"] = Dataset.Trim();
        if (IsScheduled)
        {
            DefinitionJson.AddText(definition, "schedule", Schedule);
            DefinitionJson.AddText(definition, "timeZone", TimeZone);
        }

        definition["enabled"] = Enabled;
        if (Mapping.ToJson() is { } mapping)
        {
            definition["mapping"] = mapping;
        }

        switch (Kind)
        {
            case SourceKinds.Rest:
                definition[SourceKinds.Rest] = Rest.ToJson();
                break;
            case SourceKinds.Database:
                definition[SourceKinds.Database] = Database.ToJson();
                break;
            case SourceKinds.Dropzone:
                definition[SourceKinds.Dropzone] = new JsonObject { ["prefix"] = Prefix.Trim() };
                break;
        }

        return definition;
    }

    /// <summary>The definition as the "Edit as JSON" box shows it.</summary>
    public string ToJsonText() => ToDefinition().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
