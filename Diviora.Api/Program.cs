using Diviora.Api.Access;
using Diviora.Api.Apis;
using Diviora.Api.Extensions;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

// In Development the OpenAPI document and the pages that read it stay open: they hold no data, and every call they
// make carries the token a user types in. Elsewhere the document needs a Reader like everything else.
var openApi = app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    openApi.AllowAnonymous();
    app.MapScalarApiReference(scalar => scalar.AddPreferredSecuritySchemes(OpenApiBearer.SchemeName)).AllowAnonymous();
    app.MapGraphQlUi();
}

app.UseAuthentication();
// After authentication, so each signed-in caller has limits of their own; before authorization, so refused calls count too.
app.UseRateLimiter();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapUploadsApi();
app.MapRunsApi();
app.MapDatasetsApi();
app.MapSourcesApi();
app.MapOverviewApi();
app.MapSecretsApi();
app.MapGraphQlApi();

app.Run();
