using Diviora.Core.Catalog;
using Diviora.Core.Sources;
using Diviora.Tests.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Diviora.Tests.Catalog;

/// <summary>
/// What several workers on one catalog claim, each once: a run is started by one delivery, a sweep that read a run
/// before a worker started it changes nothing, and a due schedule fires one run however many schedulers tick.
/// </summary>
[Trait("Category", "Unit")]
public sealed class OnceOnlyClaimTests : IAsyncLifetime
{
    private static readonly DateTime At = new(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);
    private SqliteCatalog _catalog = null!;

    public async Task InitializeAsync() => _catalog = await SqliteCatalog.CreateAsync();

    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    [Fact]
    public async Task Two_deliveries_starting_one_run_from_what_they_read_cannot_both_win()
    {
        var queued = await _catalog.QueueAsync("orders", At);
        await using var first = _catalog.Warehouse.CreateCatalog();
        await using var second = _catalog.Warehouse.CreateCatalog();
        var seenByFirst = await first.Runs.SingleAsync(r => r.Id == queued.Id);
        var seenBySecond = await second.Runs.SingleAsync(r => r.Id == queued.Id);

        seenByFirst.Start(At, "message-1");
        seenBySecond.Start(At, "message-2");
        await first.SaveChangesAsync();

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        await using var check = _catalog.Warehouse.CreateCatalog();
        var run = await check.Runs.AsNoTracking().SingleAsync(r => r.Id == queued.Id);
        Assert.Equal((RunStatus.Running, 1, "message-1", (string?)null), (run.Status, run.Attempts, run.MessageId, run.Notes));
    }

    [Fact]
    public async Task A_sweep_that_read_a_run_before_a_worker_started_it_changes_nothing()
    {
        var queued = await _catalog.QueueAsync("orders", At);
        await using var sweep = _catalog.Warehouse.CreateCatalog();
        var seen = await sweep.Runs.SingleAsync(r => r.Id == queued.Id);
        await using (var worker = _catalog.Warehouse.CreateCatalog())
        {
            (await worker.Runs.SingleAsync(r => r.Id == queued.Id)).Start(At.AddMinutes(1));
            await worker.SaveChangesAsync();
        }

        seen.Resend(At.AddMinutes(10));

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => sweep.SaveChangesAsync());
    }

    [Fact]
    public async Task Schedulers_of_several_workers_ticking_at_once_fire_each_due_run_once()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(At));
        var source = new SourceDefinition
        {
            Name = "erp", Kind = SourceKinds.Rest, Dataset = "orders", Schedule = "*/15 * * * *", TimeZone = "UTC",
            Rest = new RestSettings { Url = "http://127.0.0.1:9/orders" },
        }.ToSource(At);
        await using (var catalog = _catalog.Warehouse.CreateCatalog())
        {
            catalog.Sources.Add(source);
            await catalog.SaveChangesAsync();
        }

        var queue = new RecordingQueue();
        var schedulers = Enumerable.Range(0, 4).Select(_ => new SourceScheduler(_catalog.Warehouse, queue, time, NullLogger<SourceScheduler>.Instance)).ToList();
        for (var due = 1; due <= 3; due++)
        {
            time.Advance(TimeSpan.FromMinutes(15));
            var fired = await Task.WhenAll(schedulers.Select(s => Task.Run(() => s.TickAsync(CancellationToken.None))));

            var run = Assert.Single(fired.SelectMany(f => f));
            Assert.Equal(due, queue.Sent.Count);
            await using var catalog = _catalog.Warehouse.CreateCatalog();
            var stored = await catalog.Runs.SingleAsync(r => r.Id == run.Id);
            stored.Start(time.GetUtcNow().UtcDateTime);
            stored.SucceedEmpty(time.GetUtcNow().UtcDateTime);
            await catalog.SaveChangesAsync();
        }
    }
}
