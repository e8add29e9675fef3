using Diviora.Core.Warehouse;
using Diviora.Core.Warehouse.Postgres;
using Diviora.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Diviora.Tests.Warehouse;

/// <summary>
/// Warehouse commands time out instead of running for ever: queries after <c>Diviora:Warehouse:QueryTimeout</c>, loads
/// after <c>Diviora:Warehouse:LoadTimeout</c>. Checked on a real PostgreSQL warehouse.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Platform")]
public sealed class WarehouseTimeoutsTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_query_is_cut_off_after_the_query_timeout_while_a_load_connection_waits_longer()
    {
        await using var warehouse = new PostgresWarehouse(await postgres.CreateDatabaseAsync("timeouts"),
            new WarehouseTimeouts { QueryTimeout = TimeSpan.FromSeconds(1), LoadTimeout = TimeSpan.FromSeconds(20) });
        await using var query = (NpgsqlConnection)await warehouse.OpenAsync(CancellationToken.None);
        await using var load = (NpgsqlConnection)await warehouse.OpenForLoadAsync(CancellationToken.None);

        await using var slowQuery = new NpgsqlCommand("select pg_sleep(3)", query);
        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => slowQuery.ExecuteNonQueryAsync());
        await using var slowLoad = new NpgsqlCommand("select pg_sleep(3)", load);
        await slowLoad.ExecuteNonQueryAsync();

        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal((1, 20), (query.CommandTimeout, load.CommandTimeout));
    }

    [Fact]
    public async Task Without_settings_queries_get_a_minute_and_loads_half_an_hour_never_none()
    {
        await using var warehouse = new PostgresWarehouse(await postgres.CreateDatabaseAsync("timeouts") + ";Command Timeout=0");
        await using var query = (NpgsqlConnection)await warehouse.OpenAsync(CancellationToken.None);
        await using var load = (NpgsqlConnection)await warehouse.OpenForLoadAsync(CancellationToken.None);

        Assert.Equal((60, 1800), (query.CommandTimeout, load.CommandTimeout));
    }

    [Fact]
    public void The_timeouts_bind_from_Diviora_Warehouse_beside_the_AppHost_s_choice_of_warehouse()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Diviora:Warehouse"] = "postgres",
            ["Diviora:Warehouse:QueryTimeout"] = "00:00:15",
            ["Diviora:Warehouse:LoadTimeout"] = "02:00:00",
        }).Build();

        var timeouts = configuration.GetSection(WarehouseTimeouts.Section).Get<WarehouseTimeouts>();

        Assert.Equal(new WarehouseTimeouts { QueryTimeout = TimeSpan.FromSeconds(15), LoadTimeout = TimeSpan.FromHours(2) }, timeouts);
    }
}
