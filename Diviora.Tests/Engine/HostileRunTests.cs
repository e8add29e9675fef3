using System.Diagnostics;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Rejects;

namespace Diviora.Tests.Engine;

/// <summary>
/// Hostile input through a whole run, as the Worker runs it on Azurite and SQLite: a pattern that times out becomes a
/// reject and the run goes on; a compression bomb fails the run quickly with a message naming the limit.
/// </summary>
[Trait("Category", "Platform")]
public sealed class HostileRunTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    [Fact]
    public async Task A_value_whose_pattern_check_times_out_is_rejected_and_the_run_succeeds_with_the_rest()
    {
        await using var engine = await EngineHost.StartAsync(azurite);
        // A backreference needs the backtracking engine, so this pattern runs under the timeout.
        await engine.SetSettingsAsync("codes", """{"columns":[{"name":"code","pattern":"^(a+)+\\1$"}]}""");

        var run = await engine.LoadAsync("codes", "id,code\n1,aaaa\n2,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n3,aa\n");

        Assert.Equal((RunStatus.Succeeded, 2L, 1L), (run.Status, run.RowsLoaded, run.RowsRejected));
        var reject = Assert.Single(await engine.Get<RejectsReader>().ReadPageAsync(run.RejectsBlob!, 0, 10, CancellationToken.None));
        Assert.Equal((2L, "code"), (reject.RowNumber, reject.Column));
        Assert.Equal(@"pattern check timed out after 100 ms on 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'; simplify the pattern ^(a+)+\1$", reject.Reason);
    }

    [Fact]
    public async Task A_gzip_bomb_fails_its_run_quickly_naming_the_ratio_limit_and_its_setting()
    {
        await using var engine = await EngineHost.StartAsync(azurite);
        var bomb = ExpansionLimitTests.Bomb(expandedMiB: 1280);
        var watch = Stopwatch.StartNew();

        var run = await engine.LoadAsync("bombed", bomb, "orders.csv.gz");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("more than the limit of 100 times once past 100 MiB (Diviora:Ingestion:Limits:MaxExpansionRatio)", run.Error, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(60));
    }
}
