namespace Diviora.Core.Ingestion;

/// <summary>Another delivery of the same run's message took it over (or ended it); this attempt must change nothing.</summary>
public sealed class RunSupersededException(Guid runId)
    : Exception($"Run {runId} was taken over by another attempt; this attempt's rows were discarded.");
