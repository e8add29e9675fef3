using System.Diagnostics.CodeAnalysis;
using Cronos;

namespace Diviora.Core.Sources;

/// <summary>
/// When a source runs: a 5-field cron expression (minute, hour, day of month, month, day of week; no seconds field)
/// read in an IANA time zone, or <see cref="Never"/> for a manual or disabled source. Cronos resolves daylight saving
/// time: a time skipped by spring-forward fires at the jump, and a time repeated by fall-back fires once (interval
/// schedules such as <c>*/15</c> keep firing through the repeated hour, as the wall clock does).
/// </summary>
public sealed class SourceSchedule
{
    /// <summary>The zone of a source that names none.</summary>
    public const string DefaultTimeZone = "UTC";

    private readonly CronExpression? _cron;

    private SourceSchedule(CronExpression? cron, TimeZoneInfo zone)
    {
        _cron = cron;
        TimeZone = zone;
    }

    /// <summary>A schedule that never fires: a source without a cron expression, or a disabled one.</summary>
    public static SourceSchedule Never { get; } = new(null, TimeZoneInfo.Utc);

    /// <summary>The zone the expression is read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>
    /// Reads <paramref name="cron"/> in <paramref name="timeZone"/> (an IANA id such as <c>Europe/Berlin</c>;
    /// <see cref="DefaultTimeZone"/> when null). A null or blank expression gives <see cref="Never"/>, once the zone
    /// is known. On failure <paramref name="error"/> names the field (<c>schedule</c> or <c>timeZone</c>) and why.
    /// </summary>
    public static bool TryParse(
        string? cron, string? timeZone, [NotNullWhen(true)] out SourceSchedule? schedule, [NotNullWhen(false)] out string? error)
    {
        schedule = null;
        var zoneId = timeZone ?? DefaultTimeZone;
        if (string.IsNullOrWhiteSpace(zoneId) || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            error = $"timeZone '{zoneId}' is not a known time zone: use an IANA id such as 'UTC' or 'Europe/Berlin'.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(cron))
        {
            schedule = Never;
            error = null;
            return true;
        }

        var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields != 5)
        {
            error = $"schedule '{cron}' has {fields} fields; a schedule has 5: minute, hour, day of month, month and day of week (such as '*/15 * * * *').";
            return false;
        }

        try
        {
            schedule = new SourceSchedule(CronExpression.Parse(cron, CronFormat.Standard), zone);
            error = null;
            return true;
        }
        catch (CronFormatException e)
        {
            error = $"schedule '{cron}' is not a valid cron expression: {e.Message}";
            return false;
        }
    }

    /// <summary>The schedule of a stored source: <see cref="Never"/> when it is disabled or manual.</summary>
    /// <exception cref="FormatException">The stored expression or zone no longer parses (the Api refuses such definitions).</exception>
    public static SourceSchedule For(bool enabled, string? cron, string? timeZone) =>
        !enabled ? Never
        : TryParse(cron, timeZone, out var schedule, out var error) ? schedule
        : throw new FormatException(error);

    /// <summary>True for a schedule that never fires.</summary>
    public bool IsNever => _cron is null;

    /// <summary>The first time the schedule fires strictly after <paramref name="after"/>, in UTC; null for <see cref="Never"/>.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _cron?.GetNextOccurrence(after.ToUniversalTime(), TimeZone)?.ToUniversalTime();

    /// <summary>
    /// What is due at <paramref name="now"/> for a source whose schedule last fired (or was last considered) at
    /// <paramref name="lastScheduled"/>: at most one run, however many ticks were missed while nothing was running
    /// (the catch-up rule), and the next time after <paramref name="now"/>. With no <paramref name="lastScheduled"/>
    /// nothing is due yet: a new source waits for its first tick.
    /// </summary>
    public ScheduleDue Due(DateTimeOffset? lastScheduled, DateTimeOffset now)
    {
        var next = Next(now);
        if (lastScheduled is null || Next(lastScheduled.Value) is not { } missed || missed > now)
        {
            return new ScheduleDue(null, next);
        }

        return new ScheduleDue(missed, next);
    }
}

/// <summary>
/// The answer of <see cref="SourceSchedule.Due"/>: <paramref name="DueAt"/> is the first tick missed since the last
/// one that fired (null when nothing is due); one run stands for every tick missed. <paramref name="NextAt"/> is the
/// next tick after now, null when the schedule never fires.
/// </summary>
public readonly record struct ScheduleDue(DateTimeOffset? DueAt, DateTimeOffset? NextAt);
