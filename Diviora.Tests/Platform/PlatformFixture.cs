using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Diviora.Tests.Platform;

/// <summary>
/// Starts the real AppHost once for the platform tests: Azurite (in memory), the SQLite warehouse in a temporary
/// folder, and the Api, Worker and Web projects, on random ports so it runs beside a developer's own instance.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    private readonly string[] _arguments;

    public PlatformFixture()
        : this([])
    {
    }

    /// <summary>The platform started with extra AppHost arguments, such as <c>--warehouse postgres</c>.</summary>
    protected PlatformFixture(string[] arguments) => _arguments = arguments;

    /// <summary>The upload limit the tests run with: room for a file of several MB from the page, small enough that a 413 is cheap to provoke.</summary>
    public const long MaxFileBytes = 8 * 1024 * 1024;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "diviora-tests-" + Guid.NewGuid().ToString("N"));

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The folder the AppHost lets SQLite sources open files in: <c>&lt;data folder&gt;/sources</c>.</summary>
    public string SqliteSources => Path.Combine(_dataDirectory, "sources");

    /// <summary>The Api as <c>admin</c>, signed in through the local provider's login page: every test may do anything.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>The Web with <c>admin</c>'s session cookie.</summary>
    public HttpClient Web { get; private set; } = null!;

    /// <summary>The local OpenID provider the AppHost started.</summary>
    internal LocalIdentity Identity { get; private set; } = null!;

    /// <summary>
    /// What the tests' AppHost lets sources reach, as an operator would pass it: 127.0.0.1, where the tests' source APIs
    /// listen. Other loopback addresses (127.0.0.2, ::1) stay refused.
    /// </summary>
    public const string SourcesEndpoints = "127.0.0.1";

    public virtual async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Diviora_AppHost>(
            [$"--Diviora:DataDirectory={_dataDirectory}", "--Diviora:Storage:InMemory=true", $"--Diviora:Sources:AllowPrivateEndpoints={SourcesEndpoints}",
            $"--Diviora:Uploads:MaxFileBytes={MaxFileBytes}", .. _arguments], timeout.Token);

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // No dashboard listens in tests; an OTLP exporter would make every service wait on shutdown to flush.
            project.Annotations.Add(new EnvironmentCallbackAnnotation(env => env["OTEL_EXPORTER_OTLP_ENDPOINT"] = ""));
        }

        Configure(builder);

        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        foreach (var resource in new[] { "storage", "warehouse", "identity", "api", "worker", "web" })
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        var web = App.GetEndpoint("web", "http");
        Identity = new LocalIdentity(App.GetEndpoint("identity", "http"), web);
        var admin = await Identity.SignInAsync("admin");
        Api = ApiWith(admin.GetProperty("access_token").GetString());
        Web = await WebSignIn.SignInAsync(web, "admin");
    }

    /// <summary>
    /// Restarts <paramref name="resource"/> (<c>resource-restart</c>) or starts it again after a stop
    /// (<c>resource-start</c>), and waits until a new process of it is running and healthy. Right after the command
    /// the state seen may still be the old process's (healthy, or exited), so the wait is for a process id other than
    /// the one before and for that process's health, never for the first state that comes.
    /// </summary>
    public async Task RunAgainAsync(string resource, string command, CancellationToken cancellationToken)
    {
        var before = App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? ProcessId(current) : null;
        await App.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        await App.ResourceNotifications.WaitForResourceAsync(resource, e =>
            ProcessId(e) is { } pid && pid != before
            && e.Snapshot.State?.Text == KnownResourceStates.Running
            && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, cancellationToken);
    }

    private static string? ProcessId(ResourceEvent resourceEvent) =>
        resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString();

    /// <summary>What a derived fixture adds to the services before the platform starts, such as environment variables.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>A client of the Api that sends <paramref name="token"/> as its bearer, or no token at all.</summary>
    public HttpClient ApiWith(string? token)
    {
        var client = App.CreateHttpClient("api");
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public virtual async Task DisposeAsync()
    {
        Api?.Dispose();
        Web?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
