using System.Diagnostics;
using Npgsql;

namespace Diviora.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server for tests: the one <c>DIVIORA_TEST_POSTGRES</c> names (CI starts one), else a throwaway cluster
/// started here from the machine's binaries, on 127.0.0.1 and a free port, and deleted at the end. Each test takes a
/// database of its own from <see cref="CreateDatabaseAsync"/>, so tests never see each other's tables.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>An Npgsql connection string to a server where the user may create databases.</summary>
    public const string ConnectionStringVariable = "DIVIORA_TEST_POSTGRES";

    private const string OsUser = "postgres";
    private readonly List<string> _databases = [];
    private string? _binDirectory;
    private string? _clusterDirectory;

    /// <summary>The server's maintenance database (<c>postgres</c>), for creating and dropping databases.</summary>
    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            AdminConnectionString = configured;
            return;
        }

        _binDirectory = FindBinDirectory();
        _clusterDirectory = Path.Combine(Path.GetTempPath(), "diviora-postgres-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_clusterDirectory);
        if (Environment.IsPrivilegedProcess)
        {
            // The server refuses to run as root: it runs as the postgres OS user, who must own its folder.
            await RunAsync("chown", $"{OsUser}:{OsUser}", _clusterDirectory);
        }

        await RunServerProgramAsync("initdb", "-D", _clusterDirectory, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C");
        var port = LocalPorts.Free();
        var log = Path.Combine(_clusterDirectory, "server.log");
        try
        {
            await RunServerProgramAsync("pg_ctl", "start", "-D", _clusterDirectory, "-w", "-t", "30",
                "-l", log, "-o", $"-h 127.0.0.1 -p {port} -k {_clusterDirectory} -c max_connections=300");
        }
        catch (InvalidOperationException e) when (File.Exists(log))
        {
            throw new InvalidOperationException($"{e.Message}\nServer log:\n{await File.ReadAllTextAsync(log)}", e);
        }
        AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    /// <summary>Creates an empty database named <paramref name="prefix"/> plus a unique suffix and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = DatabaseName(prefix);
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        lock (_databases)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_clusterDirectory is null)
        {
            // A shared server outlives the tests: leave it as it was.
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync();
            foreach (var name in _databases)
            {
                // Dropping a database with a million-row table takes a while on a busy machine; it is tidying up,
                // not part of any test, so a slow or failed drop is reported and the run goes on.
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection) { CommandTimeout = 300 };
                try
                {
                    await drop.ExecuteNonQueryAsync();
                }
                catch (NpgsqlException e)
                {
                    Console.Error.WriteLine($"warning: the test database {name} was not dropped: {e.Message}");
                }
            }

            return;
        }

        if (File.Exists(Path.Combine(_clusterDirectory, "postmaster.pid")))
        {
            await RunServerProgramAsync("pg_ctl", "stop", "-D", _clusterDirectory, "-m", "fast", "-w", "-t", "30");
        }

        Directory.Delete(_clusterDirectory, recursive: true);
    }

    /// <summary>Lower-case letters, digits and underscores from <paramref name="prefix"/>, then a unique suffix: at most 63 bytes.</summary>
    private static string DatabaseName(string prefix)
    {
        var clean = new string([.. prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').Take(30)]);
        return $"{clean}_{Guid.NewGuid():N}";
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(version => (Version: ParseVersion(Path.GetFileName(version)), Bin: Path.Combine(version, "bin")))
                .Where(candidate => candidate.Version is not null && File.Exists(Path.Combine(candidate.Bin, "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"No PostgreSQL server was found under {root}/*/bin. Install it (apt-get install postgresql) or set {ConnectionStringVariable} to a server's connection string.");
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

    /// <summary>Runs a program of the server installation, as the postgres OS user when the tests run as root.</summary>
    private Task RunServerProgramAsync(string program, params string[] arguments)
    {
        var path = Path.Combine(_binDirectory!, program);
        return Environment.IsPrivilegedProcess
            ? RunAsync("setpriv", [$"--reuid={OsUser}", $"--regid={OsUser}", "--init-groups", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{command} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{command} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}:\n{await output}{await errors}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
