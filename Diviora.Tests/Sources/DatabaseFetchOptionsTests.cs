using Diviora.Core.Sources.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Diviora.Tests.Sources;

/// <summary>The database fetch settings bind from Diviora:Sources:Database, as the Api and Worker read them.</summary>
[Trait("Category", "Unit")]
public sealed class DatabaseFetchOptionsTests
{
    [Fact]
    public void Settings_bind_from_configuration_and_keep_their_defaults_when_unset()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Diviora:Sources:Database:CommandTimeout"] = "00:02:30",
            ["Diviora:Sources:Database:SqliteFolder"] = "/srv/diviora/sources",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddOptions<DatabaseFetchOptions>().BindConfiguration(DatabaseFetchOptions.Section).Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<DatabaseFetchOptions>>().Value;

        Assert.Equal((TimeSpan.FromSeconds(150), "/srv/diviora/sources"), (options.CommandTimeout, options.SqliteFolder));
        Assert.Equal(TimeSpan.FromSeconds(30), options.ConnectTimeout);
        Assert.Equal((10_000_000L, TimeSpan.FromMinutes(10), (string?)null), (DatabaseFetchOptions.Default.MaxRecords, DatabaseFetchOptions.Default.CommandTimeout, DatabaseFetchOptions.Default.SqliteFolder));
    }
}
