using System.Diagnostics;
using System.Text.Json;

namespace Diviora.Core.Messaging;

/// <summary>
/// What goes on the ingestion queue: the run to process and the W3C trace context of the request that queued it,
/// so one trace spans upload, queue and load.
/// </summary>
public sealed record RunMessage(Guid RunId, string? TraceParent, string? TraceState)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The transport's id of the message this was read from, the same on every redelivery of it (a Storage Queue message
    /// id, a Service Bus sequence number); null when sent or built in process. Not part of the body.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? MessageId { get; init; }

    /// <summary>A message for <paramref name="runId"/> carrying the current activity's trace context.</summary>
    public static RunMessage For(Guid runId)
    {
        string? traceParent = null;
        string? traceState = null;
        DistributedContextPropagator.Current.Inject(Activity.Current, null, (_, name, value) =>
        {
            if (name == "traceparent")
            {
                traceParent = value;
            }
            else if (name == "tracestate")
            {
                traceState = value;
            }
        });
        return new RunMessage(runId, traceParent, traceState);
    }

    /// <summary>The parent context for the consumer's span, when the message carries a valid one.</summary>
    public ActivityContext ParentContext =>
        TraceParent is not null && ActivityContext.TryParse(TraceParent, TraceState, isRemote: true, out var context) ? context : default;

    /// <summary>The message as UTF-8 JSON.</summary>
    public BinaryData ToBinaryData() => BinaryData.FromObjectAsJson(this, Json);

    /// <summary>Reads a message; false when the body is not a run message (such a message can never succeed).</summary>
    public static bool TryParse(BinaryData body, out RunMessage message)
    {
        try
        {
            var parsed = body.ToObjectFromJson<RunMessage>(Json);
            message = parsed!;
            return parsed is not null && parsed.RunId != Guid.Empty;
        }
        catch (JsonException)
        {
            message = null!;
            return false;
        }
    }
}
