using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Diviora.Core.Catalog;
using Diviora.Core.Messaging;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Dropzone;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Diviora.Tests.Engine;
using Diviora.Tests.Messaging;
using Diviora.Tests.Warehouse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Diviora.Tests.Sources.DropzoneEvents;

namespace Diviora.Tests.Sources;

/// <summary>
/// BlobCreated events, as Event Grid delivers them to Service Bus, through the Service Bus SDK's settlement seam into
/// the real drop-zone intake on Azurite and SQLite: the same receipt as the scanner, so one file is one run.
/// </summary>
[Collection(WarehouseCollection.Name)]
[Trait("Category", "Platform")]
public sealed class DropzoneEventIntakeTests(WarehouseFixture fixture)
{
    [Fact]
    public async Task An_event_delivered_twice_starts_one_run_and_archives_the_file()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        var source = await SaveAsync(engine, "events-acme", "ev-acme/");
        var blob = Container().GetBlobClient("ev-acme/orders.csv");
        var etag = (await blob.UploadAsync(BinaryData.FromString("id,qty\n1,10\n"), overwrite: true)).Value.ETag.ToString();
        var (consumer, queue) = Consumer(engine);
        var body = BlobCreated("ev-acme/orders.csv", eTag: etag, api: "PutBlockList");

        var first = await ProcessAsync(consumer, Message(body));
        var again = await ProcessAsync(consumer, Message(body, deliveryCount: 2));

        Assert.Equal(["complete"], first.Settlements);
        Assert.Equal(["complete"], again.Settlements);
        var runId = Assert.Single(queue.Sent);
        await using var catalog = engine.Get<IWarehouse>().CreateCatalog();
        var run = await catalog.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal((source.Id, "ev-acme/orders.csv", RunStatus.Queued), (run.SourceId, run.FileName, run.Status));
        Assert.False(await blob.ExistsAsync());
        Assert.True(await Container().GetBlobClient("archive/ev-acme/orders.csv").ExistsAsync());

        // The archive move fires BlobCreated too: it is ignored and completed.
        Assert.Equal(["complete"], (await ProcessAsync(consumer, Message(BlobCreated("archive/ev-acme/orders.csv", eTag: etag)))).Settlements);
        Assert.Single(queue.Sent);
    }

    [Fact]
    public async Task The_scanner_and_an_event_for_the_same_file_share_one_receipt()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        await SaveAsync(engine, "events-both", "ev-both/");
        var blob = Container().GetBlobClient("ev-both/day.csv");
        var etag = (await blob.UploadAsync(BinaryData.FromString("id\n1\n"), overwrite: true)).Value.ETag.ToString();
        var (consumer, queue) = Consumer(engine);
        // A scan that wrote the run but could not send its message leaves it Queued and the file in place: the event
        // finds that run by the same receipt, sends its message and archives the file.
        Assert.Equal(0, await Intake(engine, new ThrowingQueue()).ScanAsync(CancellationToken.None));
        Assert.True(await blob.ExistsAsync());

        var receiver = await ProcessAsync(consumer, Message(BlobCreated("ev-both/day.csv", eTag: etag)));

        Assert.Equal(["complete"], receiver.Settlements);
        Assert.Single(queue.Sent.Distinct());
        Assert.False(await blob.ExistsAsync());
    }

    [Fact]
    public async Task A_stale_event_an_unknown_prefix_and_a_zero_length_file_are_handled()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        await SaveAsync(engine, "events-edge", "ev-edge/");
        var (consumer, queue) = Consumer(engine);

        // Rewritten since the event: the newer version's own event takes it.
        var blob = Container().GetBlobClient("ev-edge/rewritten.csv");
        var old = (await blob.UploadAsync(BinaryData.FromString("id\n1\n"), overwrite: true)).Value.ETag.ToString();
        await blob.UploadAsync(BinaryData.FromString("id\n2\n"), overwrite: true);
        Assert.Equal(["complete"], (await ProcessAsync(consumer, Message(BlobCreated("ev-edge/rewritten.csv", eTag: old)))).Settlements);
        Assert.Empty(queue.Sent);
        Assert.True(await blob.ExistsAsync());

        // Under no source's prefix: left where it is.
        var stray = Container().GetBlobClient("ev-nobody/x.csv");
        var strayTag = (await stray.UploadAsync(BinaryData.FromString("id\n1\n"), overwrite: true)).Value.ETag.ToString();
        Assert.Equal(["complete"], (await ProcessAsync(consumer, Message(BlobCreated("ev-nobody/x.csv", eTag: strayTag)))).Settlements);
        Assert.Empty(queue.Sent);
        Assert.True(await stray.ExistsAsync());

        // An ADLS CreateFile (zero bytes, before the FlushWithClose) is ignored; a committed empty file is a file, as for the scanner.
        var empty = Container().GetBlobClient("ev-edge/empty.csv");
        var emptyTag = (await empty.UploadAsync(BinaryData.FromString(""), overwrite: true)).Value.ETag.ToString();
        Assert.Equal(["complete"], (await ProcessAsync(consumer, Message(BlobCreated("ev-edge/empty.csv", eTag: emptyTag, contentLength: 0, api: "CreateFile")))).Settlements);
        Assert.Empty(queue.Sent);
        Assert.Equal(["complete"], (await ProcessAsync(consumer, Message(BlobCreated("ev-edge/empty.csv", eTag: emptyTag, contentLength: 0, api: "PutBlob")))).Settlements);
        Assert.Single(queue.Sent);
    }

    [Fact]
    public async Task A_failing_intake_abandons_the_message_for_redelivery()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        await SaveAsync(engine, "events-down", "ev-down/");
        var blob = Container().GetBlobClient("ev-down/a.csv");
        var etag = (await blob.UploadAsync(BinaryData.FromString("id\n1\n"), overwrite: true)).Value.ETag.ToString();
        var broken = new DropzoneEventConsumer(null!, Intake(engine, new ThrowingQueue()), Options.Create(new DropzoneOptions()), NullLogger<DropzoneEventConsumer>.Instance);
        var body = BlobCreated("ev-down/a.csv", eTag: etag);

        var receiver = await ProcessAsync(broken, Message(body));

        // The run is written but its message could not be sent: the file stays, and the redelivery finishes the intake.
        Assert.Equal(["abandon"], receiver.Settlements);
        Assert.True(await blob.ExistsAsync());
        var (consumer, queue) = Consumer(engine);
        Assert.Equal(["complete"], (await ProcessAsync(consumer, Message(body, deliveryCount: 2))).Settlements);
        Assert.Single(queue.Sent);
        Assert.False(await blob.ExistsAsync());
    }

    private BlobContainerClient Container()
    {
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(IncomingStore.ContainerName);
        container.CreateIfNotExists();
        return container;
    }

    private static DropzoneIntake Intake(EngineHost engine, IIngestionQueue queue) =>
        new(engine.Get<IWarehouse>(), engine.Get<IncomingStore>(), engine.Get<RawStore>(), queue, TimeProvider.System, NullLogger<DropzoneIntake>.Instance);

    private static (DropzoneEventConsumer Consumer, RecordingQueue Queue) Consumer(EngineHost engine)
    {
        var queue = new RecordingQueue();
        return (new DropzoneEventConsumer(null!, Intake(engine, queue), Options.Create(new DropzoneOptions { EventsQueue = "blob-events" }),
            NullLogger<DropzoneEventConsumer>.Instance), queue);
    }

    private static async Task<Source> SaveAsync(EngineHost engine, string name, string prefix)
    {
        var definition = new SourceDefinition { Name = name, Kind = "dropzone", Dataset = name.Replace('-', '_'), Dropzone = new DropzoneSettings { Prefix = prefix } };
        Assert.Null(definition.Validate());
        var source = definition.ToSource(DateTime.UtcNow);
        await using var catalog = engine.Get<IWarehouse>().CreateCatalog();
        catalog.Sources.Add(source);
        await catalog.SaveChangesAsync();
        return source;
    }

    private sealed class ThrowingQueue : IIngestionQueue
    {
        public Task SendAsync(RunMessage message, CancellationToken cancellationToken) => throw new InvalidOperationException("The queue is away.");
    }
}
