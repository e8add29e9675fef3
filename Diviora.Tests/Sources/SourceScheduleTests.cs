using Diviora.Core.Sources;
using Microsoft.Extensions.Time.Testing;

namespace Diviora.Tests.Sources;

/// <summary>Schedules: cron in a time zone, daylight saving nights in Berlin, and one catch-up run after downtime.</summary>
[Trait("Category", "Unit")]
public sealed class SourceScheduleTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static SourceSchedule Parse(string cron, string? zone = null)
    {
        Assert.True(SourceSchedule.TryParse(cron, zone, out var schedule, out var error), error);
        return schedule;
    }

    /// <summary>The first <paramref name="count"/> ticks after <paramref name="from"/>, in UTC.</summary>
    private static List<DateTimeOffset> Ticks(SourceSchedule schedule, DateTimeOffset from, int count)
    {
        var ticks = new List<DateTimeOffset>();
        for (var at = from; ticks.Count < count;)
        {
            at = schedule.Next(at)!.Value;
            ticks.Add(at);
        }

        return ticks;
    }

    [Fact]
    public void Every_15_minutes_fires_on_the_quarter_hours_strictly_after_the_given_time()
    {
        var schedule = Parse("*/15 * * * *");

        Assert.Equal(Utc("2026-05-04T10:15:00Z"), schedule.Next(Utc("2026-05-04T10:07:12Z")));
        Assert.Equal(Utc("2026-05-04T10:30:00Z"), schedule.Next(Utc("2026-05-04T10:15:00Z")));
        Assert.Equal(Utc("2026-05-05T00:00:00Z"), schedule.Next(Utc("2026-05-04T23:59:59Z")));
        Assert.Equal(TimeSpan.Zero, schedule.Next(Utc("2026-05-04T12:07:00+02:00"))!.Value.Offset);
    }

    [Fact]
    public void A_schedule_is_read_in_its_time_zone_summer_and_winter()
    {
        var berlin = Parse("0 9 * * 1-5", "Europe/Berlin");
        var newYork = Parse("0 9 * * 1-5", "America/New_York");

        Assert.Equal(Utc("2026-01-12T08:00:00Z"), berlin.Next(Utc("2026-01-10T00:00:00Z")));   // Saturday -> Monday 09:00 CET
        Assert.Equal(Utc("2026-07-10T07:00:00Z"), berlin.Next(Utc("2026-07-10T00:00:00Z")));   // Friday 09:00 CEST
        Assert.Equal(Utc("2026-07-10T13:00:00Z"), newYork.Next(Utc("2026-07-10T00:00:00Z")));  // 09:00 EDT
        Assert.Equal("UTC", Parse("0 9 * * *").TimeZone.Id);
    }

    [Fact]
    public void Spring_forward_in_Berlin_fires_a_skipped_time_at_the_jump_and_keeps_intervals_even()
    {
        // 29 March 2026: 02:00 CET (01:00 UTC) becomes 03:00 CEST; 02:30 does not exist that night.
        var daily = Parse("30 2 * * *", "Europe/Berlin");
        var quarterly = Parse("*/15 * * * *", "Europe/Berlin");

        Assert.Equal(
            [Utc("2026-03-28T01:30:00Z"), Utc("2026-03-29T01:00:00Z"), Utc("2026-03-30T00:30:00Z")],
            Ticks(daily, Utc("2026-03-27T12:00:00Z"), 3));
        var ticks = Ticks(quarterly, Utc("2026-03-29T00:00:00Z"), 8);
        Assert.Equal(Utc("2026-03-29T00:15:00Z"), ticks[0]);
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(15), pair.Second - pair.First));
    }

    [Fact]
    public void Fall_back_in_Berlin_fires_a_fixed_time_once_and_intervals_through_both_hours()
    {
        // 25 October 2026: 03:00 CEST (01:00 UTC) becomes 02:00 CET; 02:30 happens twice, at 00:30 and 01:30 UTC.
        var daily = Parse("30 2 * * *", "Europe/Berlin");
        var quarterly = Parse("*/15 * * * *", "Europe/Berlin");

        Assert.Equal(
            [Utc("2026-10-24T00:30:00Z"), Utc("2026-10-25T00:30:00Z"), Utc("2026-10-26T01:30:00Z")],
            Ticks(daily, Utc("2026-10-23T12:00:00Z"), 3));
        var ticks = Ticks(quarterly, Utc("2026-10-24T23:45:00Z"), 12);
        Assert.Equal(Utc("2026-10-25T00:00:00Z"), ticks[0]);
        Assert.Equal(Utc("2026-10-25T02:45:00Z"), ticks[^1]);
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(15), pair.Second - pair.First));
    }

    [Fact]
    public void After_three_hours_down_one_run_is_due_not_one_per_missed_tick()
    {
        var time = new FakeTimeProvider(Utc("2026-05-04T09:00:00Z"));
        var schedule = Parse("*/15 * * * *");
        var lastScheduled = time.GetUtcNow();

        time.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(5));
        var due = schedule.Due(lastScheduled, time.GetUtcNow());
        var afterRun = schedule.Due(time.GetUtcNow(), time.GetUtcNow());

        Assert.Equal(Utc("2026-05-04T09:15:00Z"), due.DueAt);
        Assert.Equal(Utc("2026-05-04T12:15:00Z"), due.NextAt);
        Assert.Null(afterRun.DueAt);
        Assert.Equal(Utc("2026-05-04T12:15:00Z"), afterRun.NextAt);
    }

    [Fact]
    public void Nothing_is_due_before_the_next_tick_nor_for_a_new_source()
    {
        var time = new FakeTimeProvider(Utc("2026-05-04T09:00:00Z"));
        var schedule = Parse("*/15 * * * *");
        var lastScheduled = time.GetUtcNow();

        time.Advance(TimeSpan.FromMinutes(14));
        var early = schedule.Due(lastScheduled, time.GetUtcNow());
        time.Advance(TimeSpan.FromMinutes(1));
        var onTime = schedule.Due(lastScheduled, time.GetUtcNow());

        Assert.Null(early.DueAt);
        Assert.Equal(Utc("2026-05-04T09:15:00Z"), early.NextAt);
        Assert.Equal(Utc("2026-05-04T09:15:00Z"), onTime.DueAt);
        Assert.Equal(Utc("2026-05-04T09:30:00Z"), onTime.NextAt);
        Assert.Null(schedule.Due(null, time.GetUtcNow()).DueAt);
    }

    [Theory]
    [InlineData(false, "*/15 * * * *")]
    [InlineData(true, null)]
    [InlineData(true, "  ")]
    public void A_disabled_or_manual_source_is_never_due(bool enabled, string? cron)
    {
        var time = new FakeTimeProvider(Utc("2026-05-04T09:00:00Z"));
        var schedule = SourceSchedule.For(enabled, cron, "Europe/Berlin");
        var lastScheduled = time.GetUtcNow();

        time.Advance(TimeSpan.FromDays(2));

        Assert.True(schedule.IsNever);
        Assert.Equal(new ScheduleDue(null, null), schedule.Due(lastScheduled, time.GetUtcNow()));
        Assert.Null(schedule.Next(time.GetUtcNow()));
    }

    [Theory]
    [InlineData("0 */15 * * * *", null, "schedule '0 */15 * * * *' has 6 fields; a schedule has 5: minute, hour, day of month, month and day of week")]
    [InlineData("*/15 * * *", null, "schedule '*/15 * * *' has 4 fields; a schedule has 5")]
    [InlineData("61 * * * *", null, "schedule '61 * * * *' is not a valid cron expression: ")]
    [InlineData("*/15 * * * *", "Mars/Olympus", "timeZone 'Mars/Olympus' is not a known time zone: use an IANA id such as 'UTC' or 'Europe/Berlin'.")]
    [InlineData(null, "", "timeZone '' is not a known time zone")]
    public void A_bad_schedule_or_time_zone_is_refused_with_its_field(string? cron, string? zone, string expected)
    {
        Assert.False(SourceSchedule.TryParse(cron, zone, out _, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => SourceSchedule.For(true, cron, zone));
    }
}
