using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Diviora.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Diviora.Tests.Sources;

/// <summary>
/// A CRM-like API on 127.0.0.1: records <c>{ cust_id, mail, updated_at }</c> in pages (<c>page</c>, <c>per_page</c>),
/// filtered by <c>updated_since</c>; it wants the bearer token, answers the first page's second request with a 500
/// and the next new request with a 429 (Retry-After: 0), and 404 for everything while <see cref="Gone"/>.
/// </summary>
internal sealed class CrmServer : IAsyncDisposable
{
    /// <summary>The bearer token the server wants, stored as the secret <c>crm-token</c>.</summary>
    public const string Token = "Bearer crm-7f3a-secret-value";

    private readonly WebApplication _app;
    private readonly string _base;
    private int _clock;
    private int _requests;

    private CrmServer(WebApplication app, string address, int count)
    {
        (_app, _base) = (app, address.TrimEnd('/'));
        Add(count);
    }

    public List<JsonObject> Records { get; } = [];

    public ConcurrentQueue<string> Requests { get; } = new();

    public List<string> Failures { get; } = [];

    public bool Gone { get; set; }

    public string Url(string path) => _base + path;

    public static string Stamp(int tick) => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(tick).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public void Add(int count)
    {
        lock (Records)
        {
            for (var i = 0; i < count; i++)
            {
                var id = Records.Count + 1;
                Records.Add(new JsonObject { ["cust_id"] = id, ["mail"] = $"c{id}@example.com", ["updated_at"] = Stamp(++_clock) });
            }
        }
    }

    public void Touch(params int[] ids)
    {
        lock (Records)
        {
            foreach (var id in ids)
            {
                Records[id - 1]["mail"] = $"c{id}-new@example.com";
                Records[id - 1]["updated_at"] = Stamp(++_clock);
            }
        }
    }

    public static async Task<CrmServer> StartAsync(int count)
    {
        var app = LocalWebApp.Create();
        CrmServer? server = null;
        app.MapGet("/customers", (HttpContext context) => server!.Answer(context));
        await app.StartAsync();
        server = new CrmServer(app, LocalWebApp.BaseUrl(app), count);
        return server;
    }

    private IResult Answer(HttpContext context)
    {
        Requests.Enqueue(context.Request.Path + context.Request.QueryString);
        if (context.Request.Headers.Authorization != Token)
        {
            return Results.StatusCode(401);
        }

        if (Gone)
        {
            return Results.NotFound();
        }

        switch (Interlocked.Increment(ref _requests))
        {
            case 2:
                Failures.Add("500");
                return Results.StatusCode(500);
            case 4:
                Failures.Add("429");
                context.Response.Headers.RetryAfter = "0";
                return Results.StatusCode(429);
        }

        var page = int.Parse(context.Request.Query["page"].FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
        var size = int.Parse(context.Request.Query["per_page"].FirstOrDefault() ?? "25", CultureInfo.InvariantCulture);
        var since = context.Request.Query["updated_since"].FirstOrDefault();
        List<JsonObject> matching;
        lock (Records)
        {
            matching = [.. Records
                .Where(r => since is null || string.CompareOrdinal(r["updated_at"]!.GetValue<string>(), since) > 0)
                .OrderBy(r => r["updated_at"]!.GetValue<string>())
                .Select(r => r.DeepClone().AsObject())];
        }

        var data = new JsonArray([.. matching.Skip((page - 1) * size).Take(size)]);
        return Results.Content(new JsonObject { ["data"] = data, ["page"] = page }.ToJsonString(), "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
