using Diviora.Api.Apis;
using Diviora.Tests.Engine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace Diviora.Tests.Access;

/// <summary>
/// The real Api (its own Program, every endpoint and middleware) in-process over a real Azurite and a SQLite warehouse,
/// configured for Entra External ID: its issuer and the Api's client id as audience. The only stand-in is the
/// discovery document: the issuer's signing key is handed to the JWT handler as Entra's metadata would hand it.
/// </summary>
public class InProcessApi : IAsyncLifetime
{
    private readonly AzuriteServer _azurite = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "diviora-access-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<UploadAccepted>? _factory;

    public InProcessApi()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>The Api with extra configuration, such as small rate limits.</summary>
    protected InProcessApi(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    internal TestIssuer Issuer { get; } = new();

    public IServiceProvider Services => _factory!.Services;

    /// <summary>The folder SQLite sources may open files in; the warehouse file is beside it, outside.</summary>
    public string SqliteSources => Path.Combine(_directory, "sources");

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Directory.CreateDirectory(SqliteSources);
        _factory = new WebApplicationFactory<UploadAccepted>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:storage", _azurite.ConnectionString);
            web.UseSetting("ConnectionStrings:warehouse", $"Data Source={Path.Combine(_directory, "warehouse.db")}");
            web.UseSetting("Diviora:Sources:Database:SqliteFolder", SqliteSources);
            web.UseSetting("Diviora:Identity:Authority", TestIssuer.Issuer);
            web.UseSetting("Diviora:Identity:Audience", TestIssuer.ApiClientId);
            // Sources here may reach 127.0.0.1 (where the tests' source APIs listen) and no other private address.
            web.UseSetting("Diviora:Sources:AllowPrivateEndpoints", "127.0.0.1");
            web.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "");
            foreach (var (key, value) in _settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(Issuer.TrustIn);
        });
        using var warmUp = _factory.CreateClient();
        (await warmUp.GetAsync(new Uri("/health", UriKind.Relative))).EnsureSuccessStatusCode();
    }

    /// <summary>A client with no token, or with <paramref name="token"/> as its bearer.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = _factory!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        Issuer.Dispose();
        await _azurite.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
