using Bunit;
using Bunit.TestDoubles;
using Diviora.Web.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Diviora.Tests.Web.Components;

/// <summary>
/// Renders dashboard components as an interactive circuit would, with FluentUI's services, JS calls answered
/// loosely, and the Api client talking to <see cref="Api"/>.
/// </summary>
public abstract class DashboardContext : BunitContext
{
    protected DashboardContext()
    {
        Services.AddFluentUIComponents();
        Services.AddScoped<Diviora.Web.Components.Live.BrowserClock>();
        Services.AddSingleton(new DivioraApiClient(new HttpClient(Api) { BaseAddress = new Uri("http://api") }, new HttpClient(Api) { BaseAddress = new Uri("http://api") }));
        // Signed in as an Admin, who sees every control; a test can sign in with another role instead.
        Authorization = AddAuthorization();
        Authorization.SetAuthorized("Local Admin");
        Authorization.SetRoles("Admin");
        JSInterop.Mode = JSRuntimeMode.Loose;
        // As on a Blazor Server circuit: live components poll only when interactive.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected ApiStub Api { get; } = new();

    /// <summary>Who is signed in while components render.</summary>
    protected BunitAuthorizationContext Authorization { get; }
}
