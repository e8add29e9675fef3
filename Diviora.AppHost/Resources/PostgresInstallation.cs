using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The machine's PostgreSQL server binaries and how to run them. The server refuses to run as root, so when the
/// AppHost is root every program runs as the <c>postgres</c> OS user through <c>setpriv</c>, which execs in place:
/// the process DCP watches and signals is the server itself.
/// </summary>
internal sealed partial class PostgresInstallation
{
    public const string BinDirectorySetting = "Diviora:Postgres:BinDirectory";
    private const string OsUser = "postgres";
    private const string DefaultRoot = "/usr/lib/postgresql";

    private PostgresInstallation(string binDirectory) => BinDirectory = binDirectory;

    public string BinDirectory { get; }

    /// <summary>True when programs must switch to the <c>postgres</c> OS user (the AppHost runs as root).</summary>
    public static bool SwitchesUser => Environment.IsPrivilegedProcess;

    /// <summary>The configured bin folder, else the highest version under /usr/lib/postgresql/*/bin.</summary>
    public static PostgresInstallation Find(string? configuredBinDirectory)
    {
        if (!string.IsNullOrEmpty(configuredBinDirectory))
        {
            return HasServer(configuredBinDirectory)
                ? new PostgresInstallation(Path.GetFullPath(configuredBinDirectory))
                : throw new DistributedApplicationException(
                    $"{BinDirectorySetting} is '{configuredBinDirectory}', but that folder holds no 'postgres' and 'initdb'. Point it at the bin folder of a PostgreSQL server installation.");
        }

        var newest = Directory.Exists(DefaultRoot)
            ? Directory.EnumerateDirectories(DefaultRoot)
                .Select(version => (Version: ParseVersion(Path.GetFileName(version)), Bin: Path.Combine(version, "bin")))
                .Where(candidate => candidate.Version is not null && HasServer(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        return newest is not null
            ? new PostgresInstallation(newest)
            : throw new DistributedApplicationException(
                $"No PostgreSQL server was found under {DefaultRoot}/*/bin. Install it (apt-get install postgresql) or set {BinDirectorySetting} to the folder that holds 'postgres' and 'initdb'.");
    }

    /// <summary>The command that starts <paramref name="program"/> from this installation, and the arguments that come before its own.</summary>
    public (string Command, string[] Prefix) Command(string program)
    {
        var path = Path.Combine(BinDirectory, program);
        return SwitchesUser
            ? ("setpriv", [$"--reuid={OsUser}", $"--regid={OsUser}", "--init-groups", "--", path])
            : (path, []);
    }

    /// <summary>The superuser password kept in <paramref name="passwordFile"/>, generated (mode 600) on first use.</summary>
    public static string ReadOrCreatePassword(string passwordFile, string clusterDirectory)
    {
        if (File.Exists(passwordFile))
        {
            return File.ReadAllText(passwordFile).Trim();
        }

        if (File.Exists(Path.Combine(clusterDirectory, "PG_VERSION")))
        {
            throw new DistributedApplicationException(
                $"The PostgreSQL cluster in {clusterDirectory} exists but its password file {passwordFile} is gone. Restore the file, or delete the cluster folder to start an empty one.");
        }

        // Letters and digits only, so the password needs no quoting in a connection string.
        var password = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(passwordFile, options))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(password);
        }

        return password;
    }

    /// <summary>
    /// Runs initdb into <paramref name="clusterDirectory"/> unless it already holds a cluster: password authentication
    /// (scram-sha-256) for every connection, superuser <c>postgres</c>, UTF-8 and the C locale.
    /// </summary>
    public async Task InitializeClusterAsync(string clusterDirectory, string passwordFile, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(clusterDirectory, "PG_VERSION")))
        {
            return;
        }

        if (SwitchesUser)
        {
            // initdb runs as postgres: it must own the cluster folder and read the password file.
            Directory.CreateDirectory(clusterDirectory);
            await RunAsync("chown", [$"{OsUser}:{OsUser}", clusterDirectory, passwordFile], logger, cancellationToken);
        }

        LogCreatingCluster(logger, clusterDirectory);
        var (command, prefix) = Command("initdb");
        await RunAsync(command,
            [.. prefix, "-D", clusterDirectory, "--auth=scram-sha-256", $"--username={PostgresServerResource.UserName}",
                $"--pwfile={passwordFile}", "--encoding=UTF8", "--locale=C"],
            logger, cancellationToken);
    }

    /// <summary>
    /// Asks the server on <paramref name="clusterDirectory"/> for a fast shutdown (sessions ended, then a checkpoint),
    /// without waiting for it. Does nothing when no server runs there.
    /// </summary>
    public void RequestFastShutdown(string clusterDirectory)
    {
        if (!File.Exists(Path.Combine(clusterDirectory, "postmaster.pid")))
        {
            return;
        }

        var (command, prefix) = Command("pg_ctl");
        using var process = Process.Start(StartInfo(command, [.. prefix, "stop", "-D", clusterDirectory, "-m", "fast", "--no-wait"]));
        process?.WaitForExit(5000);
    }

    private static async Task RunAsync(string command, string[] arguments, ILogger logger, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(command, arguments)) ?? throw new DistributedApplicationException($"{command} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        foreach (var line in (await output + await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            LogOutput(logger, command, line);
        }

        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"'{command} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}: {(await errors).Trim()}" +
                (SwitchesUser ? $" (it ran as the {OsUser} OS user, which must be able to reach the folder)" : ""));
        }
    }

    private static ProcessStartInfo StartInfo(string command, string[] arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private static bool HasServer(string binDirectory) =>
        File.Exists(Path.Combine(binDirectory, "postgres")) && File.Exists(Path.Combine(binDirectory, "initdb"));

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

    [LoggerMessage(LogLevel.Information, "Creating the PostgreSQL cluster in {ClusterDirectory}")]
    private static partial void LogCreatingCluster(ILogger logger, string clusterDirectory);

    [LoggerMessage(LogLevel.Information, "{Command}: {Line}")]
    private static partial void LogOutput(ILogger logger, string command, string line);
}
