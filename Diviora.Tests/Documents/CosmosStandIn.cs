using System.Diagnostics;
using Diviora.Core.Documents;
using Diviora.Tests.Engine;
using Diviora.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace Diviora.Tests.Documents;

/// <summary>
/// The Cosmos DB stand-in (npm @vercel/cosmosdb-server, in memory) started from the repository's node_modules with the
/// AppHost's own launcher script, and a client configured as the services configure theirs.
/// </summary>
public sealed class CosmosStandIn : IAsyncLifetime
{
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public CosmosClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var script = Path.Combine(AzuriteServer.RepositoryRoot(), "Diviora.AppHost", "Resources", "cosmos-stand-in.js");
        var port = LocalPorts.Free();
        _process = Process.Start(new ProcessStartInfo("node")
        {
            ArgumentList = { script, "--host", "127.0.0.1", "--port", $"{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("The Cosmos stand-in did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await LocalPorts.IsListeningAsync(port))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException($"The Cosmos stand-in ({script}) did not start listening within 30 s; is node_modules installed (npm ci)?");
            }

            await Task.Delay(100);
        }

        // Any base64 key does: the stand-in checks no signature (the AppHost gives the same one).
        ConnectionString = $"AccountEndpoint=http://127.0.0.1:{port}/;AccountKey=ZGl2aW9yYS1sb2NhbC1jb3Ntb3Mtc3RhbmQtaW4=;";
        Client = CosmosConnection.CreateClient(ConnectionString);
    }

    /// <summary>A store on the shared stand-in; each test writes its own dataset (partition).</summary>
    public CosmosDocumentStore Store() => new(Client);

    public Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }
}
