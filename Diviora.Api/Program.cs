using Diviora.Api.Apis;
using Diviora.Api.Extensions;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
    app.MapGraphQlUi();
}

app.MapDefaultEndpoints();
app.MapUploadsApi();
app.MapRunsApi();
app.MapDatasetsApi();
app.MapSourcesApi();
app.MapOverviewApi();
app.MapSecretsApi();
app.MapGraphQlApi();

app.Run();
