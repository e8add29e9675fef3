namespace Diviora.Core.Messaging;

/// <summary>Processes one delivery of a run message; transports carry out the outcome it returns.</summary>
public interface IRunMessageHandler
{
    /// <summary>Handles <paramref name="message"/>, delivered for the <paramref name="deliveryCount"/>-th time (first is 1).</summary>
    Task<DeliveryOutcome> HandleAsync(RunMessage message, int deliveryCount, CancellationToken cancellationToken);
}
