using Diviora.Web.Components;
using Diviora.Web.Downloads;
using Diviora.Web.Extensions;
using Diviora.Web.Identity;
using Diviora.Web.Uploads;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
// Stylesheets and scripts are the same for everyone; every page and download needs a signed-in user.
app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapSignIn();
app.MapDownloads();
app.MapUploads();
app.MapDefaultEndpoints();

app.Run();
