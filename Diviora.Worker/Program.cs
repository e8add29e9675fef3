using Diviora.Worker.Ingestion;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

// The worker serves only its health endpoints; its work arrives on the ingestion queue.
app.MapDefaultEndpoints();

app.Run();
