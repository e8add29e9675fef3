using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Diviora.Core.Sources.Dropzone;

namespace Diviora.Tests.Sources;

/// <summary>
/// Event Grid messages as a storage account's system topic delivers them to Service Bus (the documented
/// <c>Microsoft.Storage.BlobCreated</c> shape), and a receiver that records how each was settled.
/// </summary>
internal static class DropzoneEvents
{
    public static string BlobCreated(string blobPath, string eTag = "0x8DCB3F1B5E0A3C2", long contentLength = 524, string api = "PutBlob",
        string container = "incoming", string blobType = "BlockBlob", string eventType = "Microsoft.Storage.BlobCreated") =>
        new JsonObject
        {
            ["topic"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-diviora/providers/Microsoft.Storage/storageAccounts/stdiviora",
            ["subject"] = $"/blobServices/default/containers/{container}/blobs/{blobPath}",
            ["eventType"] = eventType,
            ["id"] = Guid.NewGuid().ToString(),
            ["data"] = new JsonObject
            {
                ["api"] = api,
                ["clientRequestId"] = "6d79dbfb-0e37-4fc4-981f-442c9ca65760",
                ["requestId"] = "831e1650-001e-001b-66ab-eeb76e000000",
                ["eTag"] = eTag,
                ["contentType"] = "text/csv",
                ["contentLength"] = contentLength,
                ["blobType"] = blobType,
                ["url"] = $"https://stdiviora.blob.core.windows.net/{container}/{blobPath}",
                ["sequencer"] = "00000000000004420000000000028963",
                ["storageDiagnostics"] = new JsonObject { ["batchId"] = "b68529f3-68cd-4744-baa4-3c0498ec19f0" },
            },
            ["dataVersion"] = "",
            ["metadataVersion"] = "1",
            ["eventTime"] = "2026-12-07T17:01:02.1234567Z",
        }.ToJsonString();

    /// <summary>The same event in the CloudEvents 1.0 schema.</summary>
    public static string BlobCreatedCloudEvent(string blobPath, string eTag = "0x8DCB3F1B5E0A3C2") =>
        new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = "Microsoft.Storage.BlobCreated",
            ["source"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-diviora/providers/Microsoft.Storage/storageAccounts/stdiviora",
            ["subject"] = $"/blobServices/default/containers/incoming/blobs/{blobPath}",
            ["id"] = Guid.NewGuid().ToString(),
            ["time"] = "2026-12-07T17:01:02.1234567Z",
            ["data"] = new JsonObject
            {
                ["api"] = "PutBlockList",
                ["eTag"] = eTag,
                ["contentLength"] = 2048,
                ["blobType"] = "BlockBlob",
                ["url"] = $"https://stdiviora.blob.core.windows.net/incoming/{blobPath}",
                ["sequencer"] = "00000000000004420000000000028963",
            },
        }.ToJsonString();

    public static ServiceBusReceivedMessage Message(string body, int deliveryCount = 1) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString(body), messageId: Guid.NewGuid().ToString(), deliveryCount: deliveryCount);

    public static async Task<RecordingReceiver> ProcessAsync(DropzoneEventConsumer consumer, ServiceBusReceivedMessage message)
    {
        var receiver = new RecordingReceiver();
        await consumer.ProcessMessageAsync(new ProcessMessageEventArgs(message, receiver, CancellationToken.None));
        return receiver;
    }

    public sealed class RecordingReceiver : ServiceBusReceiver
    {
        public List<string> Settlements { get; } = [];

        public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
        {
            Settlements.Add("complete");
            return Task.CompletedTask;
        }

        public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
        {
            Settlements.Add("abandon");
            return Task.CompletedTask;
        }

        public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default)
        {
            Settlements.Add($"deadletter:{deadLetterReason}:{deadLetterErrorDescription}");
            return Task.CompletedTask;
        }
    }
}
