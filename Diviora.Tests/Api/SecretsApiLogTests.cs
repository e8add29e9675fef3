using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Storage.Blobs;
using Diviora.Api.Apis;
using Diviora.Core.Secrets;
using Diviora.Tests.Access;
using Diviora.Tests.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Diviora.Tests.Api;

/// <summary>
/// The secrets endpoints hosted in-process over a real Azurite, with every log message at every level captured
/// (Trace, so ASP.NET Core's own request, routing and body-reading logs are in): no line and no exception quotes a value.
/// </summary>
[Trait("Category", "Platform")]
public sealed class SecretsApiLogTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    [Fact]
    public async Task No_log_line_or_logged_exception_ever_carries_a_secret_value()
    {
        const string Value = "tok-LOGGED-NEVER-6c2e";
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(new BlobServiceClient(azurite.ConnectionString)).AddDivioraSecrets();
        using var issuer = new TestIssuer();
        issuer.AddApiAccess(builder);
        await using var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSecretsApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", issuer.Token(["Admin"]));

        using var stored = await http.PutAsJsonAsync("/api/secrets/crm-token", new { value = Value });
        using var broken = await http.PutAsync("/api/secrets/crm-token", new StringContent($"{{\"value\": \"{Value}", Encoding.UTF8, "application/json"));
        using var notAString = await http.PutAsync("/api/secrets/crm-token", new StringContent($"{{\"value\": {Value}}}", Encoding.UTF8, "application/json"));
        using var tooLong = await http.PutAsJsonAsync("/api/secrets/crm-token", new { value = Value + new string('z', ISecretStore.MaxValueBytes) });
        using var badName = await http.PutAsJsonAsync("/api/secrets/1st", new { value = Value });
        var listed = await http.GetStringAsync(new Uri("/api/secrets", UriKind.Relative));
        using var deleted = await http.DeleteAsync(new Uri("/api/secrets/crm-token", UriKind.Relative));
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notAString.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        foreach (var response in new[] { stored, broken, notAString, tooLong, badName, deleted })
        {
            Assert.DoesNotContain(Value, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Value, listed, StringComparison.Ordinal);
        // The capture works: the requests themselves were logged, names and all.
        Assert.Contains(logs.Lines, line => line.Contains("/api/secrets/crm-token", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(Value, StringComparison.Ordinal) || line.Contains("zzzz", StringComparison.Ordinal));
    }

    /// <summary>Keeps every message and exception written through any logger.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                lines.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                // Structured values too, in case one is kept out of the message text.
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
