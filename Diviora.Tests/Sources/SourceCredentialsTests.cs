using Diviora.Core.Sources.Database;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace Diviora.Tests.Sources;

/// <summary>
/// A source's connection string brings its own credentials: nothing in it may make the driver sign in as Diviora itself
/// (its managed identity, its Kerberos ticket, files on its machine). Refusals name the keyword, never the password.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SourceCredentialsTests
{
    private const string Password = "n0t-f0r-messages";

    [Theory]
    [InlineData("Authentication=Active Directory Default", "Authentication=ActiveDirectoryDefault")]
    [InlineData("Authentication=ActiveDirectoryManagedIdentity", "Authentication=ActiveDirectoryManagedIdentity")]
    [InlineData("Authentication=Active Directory MSI", "Authentication=ActiveDirectoryMSI")]
    [InlineData("Authentication=Active Directory Integrated", "Authentication=ActiveDirectoryIntegrated")]
    [InlineData("Authentication=Active Directory Interactive", "Authentication=ActiveDirectoryInteractive")]
    [InlineData("Authentication=Active Directory Device Code Flow", "Authentication=ActiveDirectoryDeviceCodeFlow")]
    [InlineData("Authentication=Active Directory Workload Identity", "Authentication=ActiveDirectoryWorkloadIdentity")]
    [InlineData("Integrated Security=true", "Integrated Security")]
    [InlineData("Trusted_Connection=yes", "Trusted_Connection")]
    public void Sql_server_refuses_what_signs_in_as_Diviora(string keyword, string named)
    {
        var error = Assert.Throws<DatabaseFetchException>(() => SqlServerProvider.Instance.Prepare(
            $"Server=tcp:erp.example.com,1433;Database=erp;User ID=reader;Password={Password};{keyword}", DatabaseFetchOptions.Default));

        Assert.StartsWith($"database.connection may not use {named}: it signs in as Diviora's own ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("A source brings its own credentials: give its user and password in the connection string.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Authentication=SqlPassword")]
    [InlineData("Authentication=Active Directory Password")]
    [InlineData("Authentication=Active Directory Service Principal")]
    [InlineData("Integrated Security=false")]
    public void Sql_server_takes_a_user_and_password_or_an_apps_id_and_secret(string keyword)
    {
        var (builder, password) = SqlServerProvider.Instance.Prepare(
            $"Server=tcp:erp.example.com,1433;Database=erp;User ID=reader;Password={Password};{keyword}", DatabaseFetchOptions.Default);

        Assert.Equal(ApplicationIntent.ReadOnly, ((SqlConnectionStringBuilder)builder).ApplicationIntent);
        Assert.Equal(Password, password);
    }

    [Theory]
    [InlineData("Integrated Security=true", "database.connection may not use Integrated Security: it signs in as Diviora's own Kerberos or Windows identity.")]
    [InlineData("Passfile=/home/diviora/.pgpass", "database.connection may not use Passfile: it reads a password file on Diviora's own machine.")]
    [InlineData("SSL Certificate=/etc/diviora/client.crt", "database.connection may not use SSL Certificate: it signs in with a certificate file on Diviora's own machine.")]
    [InlineData("SSL Key=/etc/diviora/client.key", "database.connection may not use SSL Key: it signs in with a certificate file on Diviora's own machine.")]
    [InlineData("Require Auth=GSS", "database.connection may not use Require Auth=GSS: it may sign in as Diviora's own Kerberos or Windows identity; list only Password, MD5, ScramSHA256, None.")]
    [InlineData("Require Auth=!MD5", "database.connection may not use Require Auth=!MD5: it may sign in as Diviora's own Kerberos or Windows identity; list only Password, MD5, ScramSHA256, None.")]
    public void Postgres_refuses_what_signs_in_as_Diviora(string keyword, string expected)
    {
        var error = Assert.Throws<DatabaseFetchException>(() => PostgresProvider.Instance.Prepare(
            $"Host=erp.example.com;Username=reader;Password={Password};{keyword}", DatabaseFetchOptions.Default));

        Assert.Equal(expected + " A source brings its own credentials: give its user and password in the connection string.", error.Message);
    }

    [Fact]
    public void Postgres_needs_a_user_of_its_own_and_never_negotiates_kerberos()
    {
        var nameless = Assert.Throws<DatabaseFetchException>(() => PostgresProvider.Instance.Prepare($"Host=erp.example.com;Password={Password}", DatabaseFetchOptions.Default));
        var (builder, password) = PostgresProvider.Instance.Prepare($"Host=erp.example.com;Username=reader;Password={Password}", DatabaseFetchOptions.Default);
        var (scram, _) = PostgresProvider.Instance.Prepare("Host=erp.example.com;Username=reader;Require Auth=ScramSHA256", DatabaseFetchOptions.Default);

        Assert.StartsWith("database.connection must name its user (Username=...): without one, Npgsql signs in as Diviora's own", nameless.Message, StringComparison.Ordinal);
        var npgsql = (NpgsqlConnectionStringBuilder)builder;
        Assert.Equal(("Password,MD5,ScramSHA256,None", GssEncryptionMode.Disable, Password), (npgsql.RequireAuth, npgsql.GssEncryptionMode, password));
        Assert.Equal("ScramSHA256", ((NpgsqlConnectionStringBuilder)scram).RequireAuth);
    }
}
