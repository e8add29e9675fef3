using Microsoft.JSInterop;

namespace Diviora.Web.Components.Live;

/// <summary>
/// The time zone of the person's browser, for one circuit. The server runs in UTC (in Azure too), so times are
/// shown in UTC until the browser has said where it is, then in its zone.
/// </summary>
public sealed class BrowserClock
{
    /// <summary>The zone times are shown in.</summary>
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>Raised once the browser's zone is known.</summary>
    public event Action? Changed;

    /// <summary>Asks the browser for its IANA zone (Europe/Berlin); an unknown one keeps UTC.</summary>
    public async Task LearnAsync(IJSRuntime js)
    {
        try
        {
            var id = await js.InvokeAsync<string?>("divioraTimeZone");
            if (id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.Id != Zone.Id)
            {
                Zone = zone;
                Changed?.Invoke();
            }
        }
        catch (JSException)
        {
        }
    }

    /// <summary>A UTC time in the browser's zone.</summary>
    public DateTime ToLocal(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>A UTC time as the person reads it: <c>2024-03-01 14:05:09</c>, with "UTC" while the zone is UTC.</summary>
    public string Format(DateTime utc) =>
        ToLocal(utc).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + (Zone == TimeZoneInfo.Utc ? " UTC" : "");
}
