using Diviora.Core.Sources.Dropzone;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Diviora.Tests.Sources.DropzoneEvents;

namespace Diviora.Tests.Sources;

/// <summary>Reading Event Grid's BlobCreated messages, and settling the ones that never reach the intake.</summary>
[Trait("Category", "Unit")]
public sealed class DropzoneEventTests
{
    [Theory]
    [InlineData("PutBlob")]
    [InlineData("PutBlockList")]
    [InlineData("FlushWithClose")]
    public void A_committed_blob_in_incoming_is_taken_with_its_name_and_etag(string api)
    {
        var read = DropzoneEvent.Parse(BinaryData.FromString(BlobCreated("partners/acme/orders.csv", api: api)));

        Assert.Equal((DropzoneEventAction.Take, "partners/acme/orders.csv", "0x8DCB3F1B5E0A3C2"), (read.Action, read.BlobName, read.ETag));
    }

    [Fact]
    public void The_cloud_event_schema_and_a_batch_of_one_read_the_same()
    {
        var cloud = DropzoneEvent.Parse(BinaryData.FromString(BlobCreatedCloudEvent("partners/acme/orders.csv")));
        var batch = DropzoneEvent.Parse(BinaryData.FromString($"[{BlobCreated("partners/acme/orders.csv")}]"));

        Assert.Equal((DropzoneEventAction.Take, "partners/acme/orders.csv", "0x8DCB3F1B5E0A3C2"), (cloud.Action, cloud.BlobName, cloud.ETag));
        Assert.Equal((DropzoneEventAction.Take, "partners/acme/orders.csv"), (batch.Action, batch.BlobName));
    }

    [Theory]
    [InlineData("partners/acme/orders.csv", "PutBlob", "raw", "BlockBlob", "Microsoft.Storage.BlobCreated", "not 'incoming'")]
    [InlineData("archive/partners/acme/orders.csv", "PutBlob", "incoming", "BlockBlob", "Microsoft.Storage.BlobCreated", "archive")]
    [InlineData("partners/acme/", "PutBlob", "incoming", "BlockBlob", "Microsoft.Storage.BlobCreated", "folder marker")]
    [InlineData("partners/acme/orders.csv", "CreateFile", "incoming", "BlockBlob", "Microsoft.Storage.BlobCreated", "FlushWithClose")]
    [InlineData("partners/acme/sub", "CreateDirectory", "incoming", "BlockBlob", "Microsoft.Storage.BlobCreated", "FlushWithClose")]
    [InlineData("partners/acme/log.txt", "AppendBlock", "incoming", "AppendBlob", "Microsoft.Storage.BlobCreated", "only block blobs")]
    [InlineData("partners/acme/orders.csv", "DeleteBlob", "incoming", "BlockBlob", "Microsoft.Storage.BlobDeleted", "not Microsoft.Storage.BlobCreated")]
    public void Events_naming_nothing_to_take_are_ignored_with_why(string path, string api, string container, string blobType, string eventType, string why)
    {
        var read = DropzoneEvent.Parse(BinaryData.FromString(BlobCreated(path, api: api, container: container, blobType: blobType, eventType: eventType)));

        Assert.Equal(DropzoneEventAction.Ignore, read.Action);
        Assert.Contains(why, read.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage", "not an Event Grid event")]
    [InlineData("", "not an Event Grid event")]
    [InlineData("42", "not an event object")]
    [InlineData("""{"subject":"/blobServices/default/containers/incoming/blobs/a.csv"}""", "not an Event Grid event")]
    [InlineData("""{"id":"1","topic":"t","subject":"/containers/incoming/a.csv","eventType":"Microsoft.Storage.BlobCreated","data":{"eTag":"0x1"},"dataVersion":"","eventTime":"2026-12-07T17:01:02Z"}""", "does not name a blob")]
    [InlineData("""{"id":"1","topic":"t","subject":"/blobServices/default/containers/incoming/blobs/a.csv","eventType":"Microsoft.Storage.BlobCreated","data":{"api":"PutBlob","blobType":"BlockBlob"},"dataVersion":"","eventTime":"2026-12-07T17:01:02Z"}""", "has no eTag")]
    public void A_body_that_is_not_a_readable_storage_event_is_malformed(string body, string why)
    {
        var read = DropzoneEvent.Parse(BinaryData.FromString(body));

        Assert.Equal(DropzoneEventAction.Malformed, read.Action);
        Assert.Contains(why, read.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_events_in_one_message_are_malformed()
    {
        var read = DropzoneEvent.Parse(BinaryData.FromString($"[{BlobCreated("a/1.csv")},{BlobCreated("a/2.csv")}]"));

        Assert.Equal((DropzoneEventAction.Malformed, "The message holds 2 events; one event per message is expected."), (read.Action, read.Reason));
    }

    [Fact]
    public async Task A_malformed_message_is_dead_lettered_with_the_reason_and_never_reaches_the_intake()
    {
        var receiver = await ProcessAsync(Consumer(), Message("""{"not":"an event"}"""));

        var settlement = Assert.Single(receiver.Settlements);
        Assert.StartsWith("deadletter:MalformedEvent:The message body is not an Event Grid event or CloudEvent:", settlement, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_outside_incoming_is_completed_without_reaching_the_intake()
    {
        var receiver = await ProcessAsync(Consumer(), Message(BlobCreated("partners/acme/orders.csv", container: "raw")));

        Assert.Equal(["complete"], receiver.Settlements);
    }

    // The intake is never called for these messages: a null one would throw, and the message be abandoned.
    private static DropzoneEventConsumer Consumer() =>
        new(null!, null!, Options.Create(new DropzoneOptions { EventsQueue = "blob-events" }), NullLogger<DropzoneEventConsumer>.Instance);
}
