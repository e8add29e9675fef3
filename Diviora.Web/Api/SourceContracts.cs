using System.Text.Json;
using System.Text.Json.Nodes;
using Diviora.Web.Sources;

namespace Diviora.Web.Api;

// Sources and secrets as the Web reads them: copies of the Api's answers (docs/sources.md), in its camelCase JSON.

/// <summary>A source as the Api keeps it, with its next run (null when disabled or manual) and its latest run.</summary>
public sealed record SourceSummary(
    string Name, string Kind, string Dataset, string? Schedule, string TimeZone, bool Enabled,
    SourceMapping? Mapping, RestSettings? Rest, DatabaseSettings? Database, DropzoneSettings? Dropzone,
    DateTime? NextRunAt, DateTime? LastRunAt, DateTime CreatedAt, DateTime UpdatedAt, string? Cursor = null, LastRunSummary? LastRun = null,
    string? CreatedBy = null, string? UpdatedBy = null)
{
    /// <summary>REST and database sources run when asked; a drop zone runs when a file arrives.</summary>
    public bool RunsOnRequest => Kind is SourceKinds.Rest or SourceKinds.Database;

    /// <summary>A run of this source is queued or running, so another would be refused.</summary>
    public bool IsRunning => LastRun is { Status: "Queued" or "Running" };

    /// <summary>The definition part, as a form edits it.</summary>
    public SourceDefinition Definition => new(Name, Kind, Dataset, Schedule, TimeZone, Enabled, Mapping, Rest, Database, Dropzone);
}

/// <summary>A source definition as sent to the Api (and as typed in "Edit as JSON").</summary>
public sealed record SourceDefinition(
    string? Name, string? Kind, string? Dataset, string? Schedule = null, string? TimeZone = null, bool? Enabled = null,
    SourceMapping? Mapping = null, RestSettings? Rest = null, DatabaseSettings? Database = null, DropzoneSettings? Dropzone = null);

/// <summary>Renames (a record's field to a dataset column) and columns set on every row.</summary>
public sealed record SourceMapping(IReadOnlyDictionary<string, string>? Columns = null, IReadOnlyDictionary<string, JsonElement>? Constants = null);

public sealed record RestSettings(
    string? Url, IReadOnlyDictionary<string, string>? Headers = null, string? RecordsPath = null,
    RestPagination? Pagination = null, RestIncremental? Incremental = null);

/// <summary>nextLink (path), page (param, sizeParam, size), cursor (param, path) or offset (param, size, limitParam).</summary>
public sealed record RestPagination(string? Type, string? Path = null, string? Param = null, string? SizeParam = null, string? LimitParam = null, int? Size = null);

public sealed record RestIncremental(string? CursorField, string? Param);

public sealed record DatabaseSettings(string? Provider, string? Connection, string? Query, DatabaseIncremental? Incremental = null);

public sealed record DatabaseIncremental(string? Column);

public sealed record DropzoneSettings(string? Prefix);

/// <summary>What <c>Test connection</c> found: the first records, or why there are none.</summary>
public sealed record SourceTestResult(bool Ok, string? Error, IReadOnlyList<JsonObject> Records, long Milliseconds);

/// <summary>A stored secret: its name and last change. The Api never sends a value.</summary>
public sealed record SecretSummary(string Name, DateTimeOffset UpdatedAt, IReadOnlyList<string>? AllowedHosts = null);
