using System.Text.Json;
using System.Text.Json.Serialization;
using Diviora.Core.Catalog;

namespace Diviora.Core.Sources;

/// <summary>
/// A source as the Api takes it (<c>POST /api/sources</c>, <c>PUT /api/sources/{name}</c>): its name, kind, target
/// dataset, schedule, mapping, and the block of its kind (<see cref="Rest"/>, <see cref="Database"/> or
/// <see cref="Dropzone"/>). An unknown field is refused rather than ignored. See docs/sources.md.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SourceDefinition
{
    /// <summary>The JSON shape of definitions and of their stored blocks.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Unique ignoring case; follows <see cref="DatasetName"/>'s rule.</summary>
    public string? Name { get; init; }

    /// <summary><c>rest</c>, <c>database</c> or <c>dropzone</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The dataset the source loads; it need not exist yet.</summary>
    public string? Dataset { get; init; }

    /// <summary>A 5-field cron expression (see <see cref="SourceSchedule"/>); null or absent runs the source only when asked.</summary>
    public string? Schedule { get; init; }

    /// <summary>The IANA time zone of <see cref="Schedule"/>; UTC when absent.</summary>
    public string? TimeZone { get; init; }

    /// <summary>False keeps the source but stops its schedule; true when absent.</summary>
    public bool Enabled { get; init; } = true;

    public SourceMapping? Mapping { get; init; }

    public RestSettings? Rest { get; init; }

    public DatabaseSettings? Database { get; init; }

    public DropzoneSettings? Dropzone { get; init; }

    /// <summary>Reads a request body; null with <paramref name="error"/> naming the field when it does not fit the shape.</summary>
    public static SourceDefinition? TryRead(string json, out string? error)
    {
        try
        {
            error = null;
            return JsonSerializer.Deserialize<SourceDefinition>(json, Json) ?? throw new JsonException("The body is null.");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the offending member in the path ($.rest.pagination.tpye).
            error = e.Path is { Length: > 1 } path
                ? $"'{path[2..]}' is not a field of a source definition, or its value has the wrong type."
                : $"The body is not a JSON source definition: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// Checks every field, in the order of the document; returns a message that starts with the first bad field's
    /// path (<c>rest.pagination.type 'pages' is not one of ...</c>), or null when the definition can be kept.
    /// </summary>
    public string? Validate()
    {
        if (!DatasetName.IsValid(Name))
        {
            return $"name '{Name}' is not a valid source name: use {DatasetName.Rule}.";
        }

        if (Kind is null || !SourceKinds.All.Contains(Kind, StringComparer.Ordinal))
        {
            return $"kind '{Kind}' is not one of {string.Join(", ", SourceKinds.All)}.";
        }

        if (!DatasetName.IsValid(Dataset))
        {
            return $"dataset '{Dataset}' is not a valid dataset name: use {DatasetName.Rule}.";
        }

        if (!SourceSchedule.TryParse(Schedule, TimeZone, out _, out var schedule))
        {
            return schedule;
        }

        if (Mapping?.Validate() is { } mapping)
        {
            return mapping;
        }

        foreach (var (block, present) in new[] { (SourceKinds.Rest, Rest is not null), (SourceKinds.Database, Database is not null), (SourceKinds.Dropzone, Dropzone is not null) })
        {
            if (present != (block == Kind))
            {
                return present
                    ? $"{block}: a source of kind '{Kind}' takes a {Kind} block, not a {block} block."
                    : $"{block} is required for a source of kind '{Kind}'.";
            }
        }

        return Kind switch
        {
            SourceKinds.Rest => Rest!.Validate(),
            SourceKinds.Database => Database!.Validate(),
            SourceKinds.Dropzone => Dropzone!.Validate(),
            _ => throw SourceKinds.Unknown(Kind),
        };
    }

    /// <summary>A new catalog entry for this valid definition, created at <paramref name="now"/>.</summary>
    public Source ToSource(DateTime now)
    {
        var source = new Source
        {
            Id = Guid.NewGuid(),
            Name = Name!,
            NormalizedName = Name!.ToLowerInvariant(),
            Kind = Kind!,
            DatasetName = Dataset!,
            Settings = "{}",
            CreatedAt = now,
        };
        ApplyTo(source, now);
        return source;
    }

    /// <summary>
    /// Writes this valid definition over <paramref name="source"/> (keeping its id, creation time and last run) and
    /// sets its next run from <paramref name="now"/>.
    /// </summary>
    public void ApplyTo(Source source, DateTime now)
    {
        if (source.Cursor is not null && CursorScope(From(source)) != CursorScope(this))
        {
            // The cursor was the highest value of another field, URL or query: it says nothing about the new one.
            source.Cursor = null;
        }

        source.Name = Name!;
        source.NormalizedName = Name!.ToLowerInvariant();
        source.Kind = Kind!;
        source.DatasetName = Dataset!;
        source.Schedule = string.IsNullOrWhiteSpace(Schedule) ? null : Schedule.Trim();
        source.TimeZone = TimeZone ?? SourceSchedule.DefaultTimeZone;
        source.Enabled = Enabled;
        source.Mapping = Mapping is null ? null : JsonSerializer.Serialize(Mapping, Json);
        source.Settings = Kind switch
        {
            SourceKinds.Rest => JsonSerializer.Serialize(Rest, Json),
            SourceKinds.Database => JsonSerializer.Serialize(Database, Json),
            SourceKinds.Dropzone => JsonSerializer.Serialize(Dropzone, Json),
            _ => throw SourceKinds.Unknown(Kind),
        };
        source.UpdatedAt = now;
        source.NextRunAt = SourceSchedule.For(Enabled, source.Schedule, source.TimeZone).Next(new DateTimeOffset(now, TimeSpan.Zero))?.UtcDateTime;
    }

    /// <summary>
    /// What an incremental cursor is a position in: the kind, the dataset it loads, the incremental block, and the URL or
    /// the connection and query it was read from. A change to any of these starts the next run from the beginning.
    /// </summary>
    private static string CursorScope(SourceDefinition definition) => definition.Kind switch
    {
        // Trimmed: a form that trims what it shows must not reset the cursor of a definition saved with a trailing newline.
        SourceKinds.Rest => JsonSerializer.Serialize(new { definition.Kind, Dataset = definition.Dataset?.ToLowerInvariant(), Url = definition.Rest?.Url?.Trim(), RecordsPath = definition.Rest?.RecordsPath?.Trim(), definition.Rest?.Incremental }, Json),
        SourceKinds.Database => JsonSerializer.Serialize(new
        {
            definition.Kind, Dataset = definition.Dataset?.ToLowerInvariant(), definition.Database?.Provider, Connection = definition.Database?.Connection?.Trim(), Query = definition.Database?.Query?.Trim(),
            definition.Database?.Incremental,
        }, Json),
        SourceKinds.Dropzone => SourceKinds.Dropzone,
        _ => throw SourceKinds.Unknown(definition.Kind),
    };

    /// <summary>The definition a catalog entry holds, as it was given (secret references stay references).</summary>
    public static SourceDefinition From(Source source) => new()
    {
        Name = source.Name,
        Kind = source.Kind,
        Dataset = source.DatasetName,
        Schedule = source.Schedule,
        TimeZone = source.TimeZone,
        Enabled = source.Enabled,
        Mapping = source.Mapping is null ? null : JsonSerializer.Deserialize<SourceMapping>(source.Mapping, Json),
        Rest = source.Kind == SourceKinds.Rest ? JsonSerializer.Deserialize<RestSettings>(source.Settings, Json) : null,
        Database = source.Kind == SourceKinds.Database ? JsonSerializer.Deserialize<DatabaseSettings>(source.Settings, Json) : null,
        Dropzone = source.Kind == SourceKinds.Dropzone ? JsonSerializer.Deserialize<DropzoneSettings>(source.Settings, Json) : null,
    };
}
