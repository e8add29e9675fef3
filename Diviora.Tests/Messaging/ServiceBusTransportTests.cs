using Azure.Messaging.ServiceBus;
using Diviora.Core.Messaging;
using Diviora.Core.Messaging.ServiceBus;

namespace Diviora.Tests.Messaging;

/// <summary>
/// No Service Bus server runs locally, so these go through the SDK's own test seams: a received message from
/// <see cref="ServiceBusModelFactory"/> and a receiver subclass that records how the message was settled.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ServiceBusTransportTests
{
    [Fact]
    public async Task Completes_a_message_the_handler_is_done_with()
    {
        var receiver = await ProcessAsync(new DeliveryOutcome(DeliveryAction.Complete), deliveryCount: 1);

        Assert.Equal(["complete"], receiver.Settlements);
    }

    [Fact]
    public async Task Abandons_a_message_to_retry_it()
    {
        var receiver = await ProcessAsync(new DeliveryOutcome(DeliveryAction.Retry, "blob storage unavailable"), deliveryCount: 2);

        Assert.Equal(["abandon"], receiver.Settlements);
    }

    [Fact]
    public async Task Dead_letters_a_message_with_the_run_error_as_description()
    {
        var receiver = await ProcessAsync(new DeliveryOutcome(DeliveryAction.DeadLetter, "Gave up after 5 attempts."), deliveryCount: 5);

        Assert.Equal(["deadletter:RunFailed:Gave up after 5 attempts."], receiver.Settlements);
    }

    [Fact]
    public async Task Hands_the_handler_the_run_id_and_the_delivery_count()
    {
        var handler = new RecordingHandler(DeliveryOutcome.Complete);
        var runId = Guid.CreateVersion7();

        await ProcessAsync(handler, Message(new RunMessage(runId, null, null).ToBinaryData(), deliveryCount: 3));

        Assert.Equal((runId, 3), handler.Received.Single());
    }

    [Fact]
    public async Task Dead_letters_a_body_that_is_not_a_run_message_without_calling_the_handler()
    {
        var handler = new RecordingHandler(DeliveryOutcome.Complete);

        var receiver = await ProcessAsync(handler, Message(BinaryData.FromString("garbage"), deliveryCount: 1));

        Assert.Empty(handler.Received);
        Assert.Equal(["deadletter:NotARunMessage:The message body is not a run message."], receiver.Settlements);
    }

    private static Task<RecordingReceiver> ProcessAsync(DeliveryOutcome outcome, int deliveryCount) =>
        ProcessAsync(new RecordingHandler(outcome), Message(new RunMessage(Guid.CreateVersion7(), null, null).ToBinaryData(), deliveryCount));

    private static async Task<RecordingReceiver> ProcessAsync(IRunMessageHandler handler, ServiceBusReceivedMessage message)
    {
        var receiver = new RecordingReceiver();
        await ServiceBusTransport.ProcessMessageAsync(handler, new ProcessMessageEventArgs(message, receiver, CancellationToken.None));
        return receiver;
    }

    private static ServiceBusReceivedMessage Message(BinaryData body, int deliveryCount) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: body, messageId: Guid.NewGuid().ToString(), deliveryCount: deliveryCount);

    private sealed class RecordingHandler(DeliveryOutcome outcome) : IRunMessageHandler
    {
        public List<(Guid RunId, int DeliveryCount)> Received { get; } = [];

        public Task<DeliveryOutcome> HandleAsync(RunMessage message, int deliveryCount, CancellationToken cancellationToken)
        {
            Received.Add((message.RunId, deliveryCount));
            return Task.FromResult(outcome);
        }
    }

    private sealed class RecordingReceiver : ServiceBusReceiver
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
