using Diviora.Core.Catalog;
using Diviora.Core.Messaging;
using Diviora.Core.Sources;
using Diviora.Core.Storage;
using Diviora.Tests.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Diviora.Tests.Messaging;

/// <summary>
/// The sweep of runs left Queued, on a SQLite catalog: a run whose message was never sent is sent again once per
/// <c>StaleQueuedAfter</c>, one whose payload is missing or cut short fails saying so, and several sweeps at once act on
/// each run once.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RunSweeperTests : IAsyncLifetime
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly Payloads _payloads = new();
    private readonly RecordingQueue _queue = new();
    private SqliteCatalog _catalog = null!;

    public async Task InitializeAsync() => _catalog = await SqliteCatalog.CreateAsync();

    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private RunSweeper Sweeper() => new(_catalog.Warehouse, _queue, _payloads, Options.Create(new QueueOptions { StaleQueuedAfter = StaleAfter }), _time,
        NullLogger<RunSweeper>.Instance);

    private async Task<Run> StoredAsync(DateTime at, long size = 10)
    {
        var run = await _catalog.QueueAsync("orders", at, size);
        _payloads.Sizes[run.BlobName] = size;
        return run;
    }

    private async Task<Run> RunAsync(Guid id)
    {
        await using var catalog = _catalog.Warehouse.CreateCatalog();
        return await catalog.Runs.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    [Fact]
    public async Task A_run_left_queued_with_its_payload_is_sent_again_once_per_wait_and_says_so()
    {
        var stale = await StoredAsync(Now - StaleAfter - TimeSpan.FromSeconds(1));
        var fresh = await StoredAsync(Now - StaleAfter + TimeSpan.FromSeconds(30));

        Assert.Equal(new RunSweep(1, 0), await Sweeper().SweepAsync(CancellationToken.None));

        Assert.Equal([stale.Id], _queue.Sent);
        var resent = await RunAsync(stale.Id);
        Assert.Equal((RunStatus.Queued, Now, 0), (resent.Status, resent.QueuedAt, resent.Attempts));
        Assert.Equal("2026-12-07 09:00:00Z Queued since 2026-12-07 08:54:59Z and not started: its message was presumed lost and sent again.", resent.Notes);
        Assert.Null((await RunAsync(fresh.Id)).Notes);

        // Sent again only after waiting as long once more; the fresh run's turn comes too.
        Assert.Equal(new RunSweep(0, 0), await Sweeper().SweepAsync(CancellationToken.None));
        _time.Advance(StaleAfter);
        Assert.Equal(new RunSweep(1, 0), await Sweeper().SweepAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new RunSweep(1, 0), await Sweeper().SweepAsync(CancellationToken.None));
        Assert.Equal([stale.Id, fresh.Id, stale.Id], _queue.Sent);
    }

    [Fact]
    public async Task A_run_left_queued_without_its_whole_payload_fails_saying_which_and_why()
    {
        var missing = await _catalog.QueueAsync("orders", Now - TimeSpan.FromHours(1), 10);
        var cut = await StoredAsync(Now - TimeSpan.FromHours(1), 1_000_000);
        _payloads.Sizes[cut.BlobName] = 65_536;

        Assert.Equal(new RunSweep(0, 2), await Sweeper().SweepAsync(CancellationToken.None));

        Assert.Empty(_queue.Sent);
        var failed = await RunAsync(missing.Id);
        Assert.Equal((RunStatus.Failed, Now), (failed.Status, failed.FinishedAt));
        Assert.Equal($"The run waited Queued since 2026-12-07 08:00:00Z without a worker taking it, and its payload '{missing.BlobName}' is missing: it was never stored completely, or it was deleted. Send the file again.",
            failed.Error);
        Assert.Equal($"The run waited Queued since 2026-12-07 08:00:00Z without a worker taking it, and its payload '{cut.BlobName}' holds 65,536 bytes, not the 1,000,000 bytes it was stored with. Send the file again.",
            (await RunAsync(cut.Id)).Error);
        Assert.Equal(new RunSweep(0, 0), await Sweeper().SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_pulled_source_run_has_no_payload_before_a_worker_fetches_it_and_is_sent_again()
    {
        var source = new SourceDefinition
        {
            Name = "crm", Kind = SourceKinds.Rest, Dataset = "customers", Rest = new RestSettings { Url = "http://127.0.0.1:9/customers" },
        }.ToSource(Now);
        await using (var catalog = _catalog.Warehouse.CreateCatalog())
        {
            catalog.Sources.Add(source);
            await catalog.SaveChangesAsync();
        }

        var run = await _catalog.QueueAsync("customers", Now - TimeSpan.FromHours(1), 0, source);

        Assert.Equal(new RunSweep(1, 0), await Sweeper().SweepAsync(CancellationToken.None));
        Assert.Equal([run.Id], _queue.Sent);
    }

    [Fact]
    public async Task Runs_started_or_ended_are_left_alone()
    {
        var running = await StoredAsync(Now - TimeSpan.FromHours(1));
        var ended = await StoredAsync(Now - TimeSpan.FromHours(1));
        await using (var catalog = _catalog.Warehouse.CreateCatalog())
        {
            (await catalog.Runs.SingleAsync(r => r.Id == running.Id)).Start(Now);
            (await catalog.Runs.SingleAsync(r => r.Id == ended.Id)).Fail("refused", Now);
            await catalog.SaveChangesAsync();
        }

        Assert.Equal(new RunSweep(0, 0), await Sweeper().SweepAsync(CancellationToken.None));
        Assert.Empty(_queue.Sent);
    }

    [Fact]
    public async Task Workers_sweeping_at_once_send_each_stale_run_once()
    {
        var runs = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            runs.Add((await StoredAsync(Now - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(i))).Id);
        }

        var sweeps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Sweeper().SweepAsync(CancellationToken.None))));

        Assert.Equal(20, sweeps.Sum(s => s.Resent));
        Assert.Equal(runs.Order(), _queue.Sent.Order());
    }

    /// <summary>Payload sizes by blob name; a name not listed has no payload.</summary>
    private sealed class Payloads : IPayloadStore
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, long> Sizes { get; } = new();

        public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) => throw new FileNotFoundException(name);

        public Task<long?> SizeOfAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(Sizes.TryGetValue(name, out var size) ? size : (long?)null);
    }
}
