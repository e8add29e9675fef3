using System.Globalization;
using Diviora.Web.Api;

namespace Diviora.Web.Components.Runs;

/// <summary>How runs read on screen.</summary>
public static class RunText
{
    /// <summary>How long a run took from start to end, or has taken so far.</summary>
    public static string Took(RunSummary run, DateTime? now = null) => run.StartedAt switch
    {
        null => "",
        { } started => Duration((run.FinishedAt ?? now ?? DateTime.UtcNow) - started),
    };

    /// <summary>A duration in the largest unit that reads well: 350 ms, 4.2 s, 3 min 5 s, 2 h 4 min.</summary>
    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalMilliseconds: < 0 } => "0 ms",
        { TotalSeconds: < 1 } => $"{duration.TotalMilliseconds:0} ms",
        { TotalSeconds: < 60 } => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        { TotalMinutes: < 60 } => $"{(int)duration.TotalMinutes} min {duration.Seconds} s",
        _ => $"{(int)duration.TotalHours} h {duration.Minutes} min",
    };

    /// <summary>"1 row", "5,000 rows".</summary>
    public static string Rows(long count) => count == 1 ? "1 row" : count.ToString("N0", CultureInfo.CurrentCulture) + " rows";

    /// <summary>A size in bytes as people read it.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / 1024.0 / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1024.0 / 1024 / 1024).ToString("0.00", CultureInfo.InvariantCulture) + " GB",
    };
}
