using Diviora.Web.Api;
using Microsoft.AspNetCore.Components;

namespace Diviora.Web.Components.Live;

/// <summary>
/// A component that shows data from the Api and keeps it current: it asks again every second while the circuit is up,
/// so a run's status and counts reach the screen within 2 s of changing in the catalog (docs/decisions.md). An Api
/// that does not answer becomes a message on the page; the circuit stays up and recovers on its own.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    /// <summary>How often the data is asked for again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _closing = new();
    private bool _polling;

    /// <summary>Cancelled when the component leaves the page.</summary>
    protected CancellationToken Closing => _closing.Token;

    /// <summary>Why the last refresh failed, for the page to show (<see cref="ApiErrorBar"/>); null when it worked.</summary>
    protected ApiException? ApiFailure { get; private set; }

    /// <summary>Reads the data the component shows.</summary>
    protected abstract Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>False stops asking again, for data that can no longer change (a run that has ended).</summary>
    protected virtual bool KeepsRefreshing => true;

    protected override Task OnInitializedAsync() => TryRefreshAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive && !_polling)
        {
            _polling = true;
            _ = PollAsync();
        }
    }

    /// <summary>Refreshes now, turning an Api failure into <see cref="ApiFailure"/>.</summary>
    protected async Task TryRefreshAsync()
    {
        try
        {
            await RefreshAsync(Closing);
            ApiFailure = null;
        }
        catch (ApiException e)
        {
            ApiFailure = e;
        }
        catch (OperationCanceledException) when (Closing.IsCancellationRequested)
        {
        }
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(Closing))
            {
                if (KeepsRefreshing || ApiFailure is not null)
                {
                    await TryRefreshAsync();
                    StateHasChanged();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Only cancelled, never disposed: an await that ends after the page is left still reads the token.
    public void Dispose()
    {
        _closing.Cancel();
        GC.SuppressFinalize(this);
    }
}
