namespace Diviora.Core.Catalog;

/// <summary>Where an ingestion run stands.</summary>
public enum RunStatus
{
    /// <summary>The payload is stored and a message is on the queue.</summary>
    Queued = 0,
    /// <summary>A worker is processing the run.</summary>
    Running = 1,
    /// <summary>Every row was loaded.</summary>
    Succeeded = 2,
    /// <summary>The run ended without loading anything; <see cref="Run.Error"/> says why.</summary>
    Failed = 3,
}
