namespace Diviora.Core.Ingestion.Readers;

/// <summary>
/// What an earlier pass over the same payload established, so a later pass need not establish it again: its rows'
/// lengths were checked, and, for JSON, which keys its records have (the earlier reader's header).
/// </summary>
/// <param name="JsonKeys">The keys of a JSON payload's records, in the order the earlier reader found them; null otherwise.</param>
public sealed record EarlierPass(IReadOnlyList<string>? JsonKeys);
