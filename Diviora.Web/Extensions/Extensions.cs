using Diviora.Web.Api;
using Diviora.Web.Identity;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Diviora.Web.Extensions;

public static class Extensions
{
    /// <summary>The name of the Api client for uploads and downloads, which may take as long as the file does.</summary>
    public const string TransferClient = "api-transfer";

    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.AddSignIn();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();
        builder.Services.AddScoped<Components.Live.BrowserClock>();

        // "api" is resolved by service discovery from what the AppHost hands over; no URL is written here, and outside
        // Development only over https. Reads retry briefly and give up within 10 s, so a page says the Api is down
        // instead of spinning. The service defaults give every client the standard resilience handler; these two need
        // their own settings.
        var api = ApiAddress.For(builder.Environment, builder.Configuration);
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked for evaluation; it is the documented way to replace the defaults.
        builder.Services.AddHttpClient<DivioraApiClient>(client => client.BaseAddress = api)
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(options =>
            {
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(10);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
                options.Retry.MaxRetryAttempts = 1;
                options.Retry.DisableForUnsafeHttpMethods();
            });

        // A 4 GB upload or a full export streams for minutes and cannot be replayed: no timeout, no retry.
        builder.Services.AddHttpClient(TransferClient, client =>
        {
            client.BaseAddress = api;
            client.Timeout = Timeout.InfiniteTimeSpan;
        }).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
