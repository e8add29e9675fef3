namespace Diviora.Core.Messaging;

/// <summary>What a transport does with a delivered message once the handler is done with it.</summary>
public enum DeliveryAction
{
    /// <summary>Remove it from the queue: the run ended, or the message had nothing to do.</summary>
    Complete,
    /// <summary>Make it visible again later: the failure may be transient.</summary>
    Retry,
    /// <summary>Move it to the poison (Storage Queue) or dead-letter (Service Bus) queue.</summary>
    DeadLetter,
}

/// <summary>The handler's verdict on one delivery, with the reason for a retry or a dead letter.</summary>
public readonly record struct DeliveryOutcome(DeliveryAction Action, string? Reason = null)
{
    /// <summary>Done with the message.</summary>
    public static DeliveryOutcome Complete { get; } = new(DeliveryAction.Complete);
}
