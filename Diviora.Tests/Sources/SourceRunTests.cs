using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Diviora.Core.Catalog;
using Diviora.Core.Messaging;
using Diviora.Core.Query;
using Diviora.Core.Secrets;
using Diviora.Core.Sources;
using Diviora.Core.Sources.Dropzone;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Diviora.Tests.Engine;
using Diviora.Tests.Messaging;
using Diviora.Tests.Warehouse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Diviora.Tests.Sources;

/// <summary>
/// Runs of sources through the engine as the Worker wires it, on Azurite and on SQLite and PostgreSQL: a REST API that
/// pages, rate-limits and fails now and then; incremental runs; schedules on a fake clock; files dropped into the
/// drop zone; and one dataset fed by two sources with and without a source priority.
/// </summary>
[Collection(WarehouseCollection.Name)]
[Trait("Category", "Platform")]
public sealed class SourceRunTests(WarehouseFixture fixture)
{
    private const string Token = CrmServer.Token;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_rest_source_loads_every_record_once_mapped_and_then_only_what_changed(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await using var crm = await CrmServer.StartAsync(120);
        await engine.Get<ISecretStore>().SetAsync("crm-token", Token, FixedSecrets.LoopbackHosts, "test", CancellationToken.None);
        await engine.SetSettingsAsync("customers", """{"mode":"upsert","key":["id"]}""");
        var source = await SaveAsync(engine, CrmSource("crm", crm));
        var traced = new ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => traced.Enqueue(string.Join("|", activity.DisplayName, string.Join(",", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")),
                string.Join(",", activity.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}"))))),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        var first = await RunAsync(engine, source);

        Assert.Equal((RunStatus.Succeeded, 120L, (string?)null), (first.Status, first.RowsLoaded, first.Error));
        Assert.Equal("crm", first.SourceName);
        Assert.NotNull(first.FetchMilliseconds);
        Assert.Equal(["500", "429"], crm.Failures);
        var dataset = await engine.DatasetAsync("customers");
        Assert.Equal(["id", "email", "updated_at", "region", "_source"], dataset.Columns.OrderBy(c => c.Ordinal).Select(c => c.Name));
        Assert.Equal("_source", dataset.Columns.Single(c => c.Name == "_source").PhysicalName);
        var rows = await RowsAsync(engine, "customers");
        Assert.Equal(Enumerable.Range(1, 120), rows.Select(r => r["id"]!.GetValue<int>()));
        Assert.All(rows, r => Assert.Equal(("EU", "crm"), (r["region"]!.GetValue<string>(), r["_source"]!.GetValue<string>())));
        Assert.Equal("c1@example.com", rows[0]["email"]!.GetValue<string>());
        Assert.Equal(CrmServer.Stamp(120), (await SourceAsync(engine, source.Id)).Cursor);
        // The payload stays in Blob Storage, so the run can be replayed.
        Assert.Contains("\"cust_id\":120", await RawTextAsync(engine, first), StringComparison.Ordinal);

        crm.Touch(5, 6, 7);
        crm.Add(2);
        crm.Requests.Clear();
        var second = await RunAsync(engine, source);

        Assert.Equal((RunStatus.Succeeded, 5L), (second.Status, second.RowsLoaded));
        Assert.All(crm.Requests, r => Assert.Contains("updated_since=" + Uri.EscapeDataString(CrmServer.Stamp(120)), r, StringComparison.Ordinal));
        Assert.Equal(122, (await engine.DatasetAsync("customers")).RowCount);
        Assert.Equal("c5-new@example.com", (await RowsAsync(engine, "customers"))[4]["email"]!.GetValue<string>());
        Assert.Equal(CrmServer.Stamp(125), (await SourceAsync(engine, source.Id)).Cursor);

        var third = await RunAsync(engine, source);
        Assert.Equal((RunStatus.Succeeded, 0L, 0L), (third.Status, third.RowsRead, third.RowsLoaded));
        Assert.Equal(CrmServer.Stamp(125), (await SourceAsync(engine, source.Id)).Cursor);

        // Traces: the fetch and its HTTP requests are there, the token is not.
        Assert.Contains(traced, t => t.StartsWith("source fetch|", StringComparison.Ordinal) && t.Contains("diviora.source.records=120", StringComparison.Ordinal));
        Assert.Contains(traced, t => t.Contains("/customers", StringComparison.Ordinal));
        Assert.DoesNotContain(traced, t => t.Contains("7f3a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_fetch_or_load_fails_the_run_clearly_and_leaves_the_cursor_where_it_was()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        await using var crm = await CrmServer.StartAsync(10);
        await engine.Get<ISecretStore>().SetAsync("crm-token", Token, FixedSecrets.LoopbackHosts, "test", CancellationToken.None);
        await engine.SetSettingsAsync("customers", """{"mode":"upsert","key":["id"],"onInvalidRow":"fail","columns":[{"name":"email","pattern":"^\\S+@\\S+$"}]}""");
        var source = await SaveAsync(engine, CrmSource("crm", crm));
        Assert.Equal(RunStatus.Succeeded, (await RunAsync(engine, source)).Status);
        var cursor = (await SourceAsync(engine, source.Id)).Cursor;

        crm.Gone = true;
        var gone = await RunAsync(engine, source);
        Assert.Equal(RunStatus.Failed, gone.Status);
        Assert.StartsWith("Fetching source 'crm' failed:", gone.Error, StringComparison.Ordinal);
        Assert.Contains("404", gone.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("7f3a", gone.Error, StringComparison.Ordinal);
        Assert.Equal(cursor, (await SourceAsync(engine, source.Id)).Cursor);

        crm.Gone = false;
        crm.Touch(3);
        crm.Records[2]["mail"] = "not an address";
        var refused = await RunAsync(engine, source);
        Assert.Equal(RunStatus.Failed, refused.Status);
        Assert.Contains("'email'", refused.Error, StringComparison.Ordinal);
        Assert.Equal(cursor, (await SourceAsync(engine, source.Id)).Cursor);

        crm.Records[2]["mail"] = "fixed@example.com";
        var fixedRun = await RunAsync(engine, source);
        Assert.Equal((RunStatus.Succeeded, 1L), (fixedRun.Status, fixedRun.RowsLoaded));
        Assert.Equal(CrmServer.Stamp(11), (await SourceAsync(engine, source.Id)).Cursor);
    }

    [Fact]
    public async Task A_source_saved_during_its_run_keeps_its_cursor_and_an_overtaken_attempt_records_no_fetch()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        await using var crm = await CrmServer.StartAsync(10);
        await engine.Get<ISecretStore>().SetAsync("crm-token", Token, FixedSecrets.LoopbackHosts, "test", CancellationToken.None);
        var source = await SaveAsync(engine, CrmSource("crm", crm));
        // Saved "during" the run: after the run starts, before it ends.
        await using (var catalog = engine.Get<IWarehouse>().CreateCatalog())
        {
            await catalog.Sources.Where(s => s.Id == source.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.UpdatedAt, DateTime.UtcNow.AddHours(1)));
        }

        var run = await RunAsync(engine, source);

        Assert.Equal((RunStatus.Succeeded, 10L), (run.Status, run.RowsLoaded));
        Assert.Equal(CrmServer.Stamp(10), run.Cursor);
        Assert.Null((await SourceAsync(engine, source.Id)).Cursor);

        Run queued;
        await using (var catalog = engine.Get<IWarehouse>().CreateCatalog())
        {
            queued = (await SourceRuns.StartPullAsync(catalog, new RecordingQueue(), await catalog.Sources.AsNoTracking().SingleAsync(s => s.Id == source.Id),
                "test", DateTime.UtcNow, CancellationToken.None)).Started!;
        }

        // Attempt 1 fetches while attempt 2 has taken the run over.
        await engine.UpdateRunAsync(queued.Id, r =>
        {
            r.Start(DateTime.UtcNow);
            r.Start(DateTime.UtcNow);
        });
        await Assert.ThrowsAsync<Diviora.Core.Ingestion.RunSupersededException>(() => engine.Get<SourcePayloads>().EnsureAsync(queued.Id, 1, CancellationToken.None));
        var after = await engine.RunAsync(queued.Id);
        Assert.Equal((queued.BlobName, (long?)null, (string?)null), (after.BlobName, after.FetchMilliseconds, after.Cursor));
        Assert.True(await engine.Get<SourcePayloads>().EnsureAsync(queued.Id, 2, CancellationToken.None));
        var fetched = await engine.RunAsync(queued.Id);
        Assert.EndsWith("/a2-crm.jsonl", fetched.BlobName, StringComparison.Ordinal);
        Assert.NotNull(fetched.FetchMilliseconds);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Schedules_fire_once_per_due_tick_never_overlap_catch_up_once_and_stop_when_disabled(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 28, 22, 58, 0, TimeSpan.Zero));
        var queue = new RecordingQueue();
        var scheduler = new SourceScheduler(engine.Get<IWarehouse>(), queue, time, NullLogger<SourceScheduler>.Instance);
        var definition = new SourceDefinition
        {
            Name = "erp", Kind = "rest", Dataset = "orders", Schedule = "*/15 * * * *", TimeZone = "Europe/Berlin",
            Rest = new RestSettings { Url = "http://127.0.0.1:9/orders" },
        };
        var source = await SaveAsync(engine, definition, time.GetUtcNow().UtcDateTime);
        Assert.Equal(new DateTime(2026, 3, 28, 23, 0, 0, DateTimeKind.Utc), source.NextRunAt);

        Assert.Empty(await scheduler.TickAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(2));
        var fired = Assert.Single(await scheduler.TickAsync(CancellationToken.None));
        Assert.Empty(await scheduler.TickAsync(CancellationToken.None));
        Assert.Equal([fired.Id], queue.Sent);
        Assert.Equal(new DateTime(2026, 3, 28, 23, 15, 0, DateTimeKind.Utc), (await SourceAsync(engine, source.Id)).NextRunAt);

        // Its run is still going: the next tick is skipped, not stacked.
        await engine.UpdateRunAsync(fired.Id, r => r.Start(time.GetUtcNow().UtcDateTime));
        time.Advance(TimeSpan.FromMinutes(15));
        Assert.Empty(await scheduler.TickAsync(CancellationToken.None));
        await engine.UpdateRunAsync(fired.Id, r => r.SucceedEmpty(time.GetUtcNow().UtcDateTime));

        // Three hours down, across the night Berlin springs forward: one catch-up run, then the regular ticks.
        time.Advance(TimeSpan.FromHours(3));
        Assert.Single(await scheduler.TickAsync(CancellationToken.None));
        Assert.Empty(await scheduler.TickAsync(CancellationToken.None));
        var next = (await SourceAsync(engine, source.Id)).NextRunAt!.Value;
        Assert.True(next > time.GetUtcNow().UtcDateTime && next <= time.GetUtcNow().UtcDateTime.AddMinutes(15));

        await using (var catalog = engine.Get<IWarehouse>().CreateCatalog())
        {
            var stored = await catalog.Sources.SingleAsync(s => s.Id == source.Id);
            (definition with { Enabled = false }).ApplyTo(stored, time.GetUtcNow().UtcDateTime);
            await catalog.SaveChangesAsync();
            await catalog.Runs.ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, RunStatus.Succeeded));
        }

        time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await scheduler.TickAsync(CancellationToken.None));
        Assert.Equal(2, queue.Sent.Count);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Starters_racing_for_one_source_start_one_run_and_the_others_are_told_why(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        var source = await SaveAsync(engine, new SourceDefinition
        {
            Name = "raced", Kind = "rest", Dataset = "raced", Rest = new RestSettings { Url = "http://127.0.0.1:9/raced" },
        });
        var queue = new RecordingQueue();

        async Task<SourceRunStart> StartAsync()
        {
            await using var catalog = engine.Get<IWarehouse>().CreateCatalog();
            var read = await catalog.Sources.AsNoTracking().SingleAsync(s => s.Id == source.Id);
            return await SourceRuns.StartPullAsync(catalog, queue, read, "test", DateTime.UtcNow, CancellationToken.None);
        }

        var starts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(StartAsync)));
        var again = await StartAsync();

        var started = Assert.Single(starts, s => s.Started is not null);
        Assert.Equal([started.Started!.Id], queue.Sent);
        Assert.Equal(started.Started.Id, again.Active?.Id);
        Assert.All(starts.Where(s => s.Started is null), s => Assert.True(s.Active is null || s.Active.Id == started.Started.Id));
    }

    [Fact]
    public async Task Dropped_files_become_one_run_each_even_with_two_scanners_and_are_archived()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        var source = await SaveAsync(engine, new SourceDefinition
        {
            Name = "partner", Kind = "dropzone", Dataset = "deliveries", Dropzone = new DropzoneSettings { Prefix = "partners/acme/" },
            Mapping = new SourceMapping { Constants = new Dictionary<string, JsonElement> { ["partner"] = JsonSerializer.SerializeToElement("acme") } },
        });
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(IncomingStore.ContainerName);
        await container.CreateIfNotExistsAsync();
        for (var i = 1; i <= 12; i++)
        {
            await container.GetBlobClient($"partners/acme/day-{i:00}.csv").UploadAsync(BinaryData.FromString($"id,qty\n{i},{i * 10}\n"), overwrite: true);
        }

        await container.GetBlobClient("partners/other/ignored.csv").UploadAsync(BinaryData.FromString("id\n1\n"), overwrite: true);
        var queue = new RecordingQueue();
        DropzoneIntake Intake() => new(engine.Get<IWarehouse>(), engine.Get<IncomingStore>(), engine.Get<RawStore>(), queue, TimeProvider.System,
            NullLogger<DropzoneIntake>.Instance);

        var started = await Task.WhenAll(Intake().ScanAsync(CancellationToken.None), Intake().ScanAsync(CancellationToken.None));
        var later = await Intake().ScanAsync(CancellationToken.None);

        Assert.Equal(12, started.Sum() + later);
        var runIds = queue.Sent.Distinct().ToList();
        Assert.Equal(12, runIds.Count);
        foreach (var runId in runIds)
        {
            await engine.Get<IRunMessageHandler>().HandleAsync(new RunMessage(runId, null, null), 1, CancellationToken.None);
        }

        var runs = await Task.WhenAll(runIds.Select(engine.RunAsync));
        Assert.All(runs, r => Assert.Equal((RunStatus.Succeeded, 1L, "partner", (string?)null), (r.Status, r.RowsLoaded, r.SourceName, r.Error)));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"partners/acme/day-{i:00}.csv"), runs.Select(r => r.FileName).Order());
        var rows = await RowsAsync(engine, "deliveries");
        Assert.Equal(Enumerable.Range(1, 12), rows.Select(r => r["id"]!.GetValue<int>()).Order());
        Assert.All(rows, r => Assert.Equal(("acme", "partner"), (r["partner"]!.GetValue<string>(), r["_source"]!.GetValue<string>())));

        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        Assert.Equal(12, names.Count(n => n.StartsWith("archive/partners/acme/", StringComparison.Ordinal)));
        Assert.DoesNotContain(names, n => n.StartsWith("partners/acme/", StringComparison.Ordinal));
        Assert.Contains("partners/other/ignored.csv", names);

        // The same name written again is a new file, and a new run.
        await container.GetBlobClient("partners/acme/day-01.csv").UploadAsync(BinaryData.FromString("id,qty\n13,130\n"), overwrite: true);
        Assert.Equal(1, await Intake().ScanAsync(CancellationToken.None));
        Assert.Equal(0, await Intake().ScanAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_file_whose_run_was_recorded_but_not_archived_is_queued_again_not_run_twice()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        var source = await SaveAsync(engine, new SourceDefinition
        {
            Name = "drop", Kind = "dropzone", Dataset = "dropped", Dropzone = new DropzoneSettings { Prefix = "in/" },
        });
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(IncomingStore.ContainerName);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("in/a.csv");
        await blob.UploadAsync(BinaryData.FromString("id\n1\n2\n"), overwrite: true);
        var etag = (await blob.GetPropertiesAsync()).Value.ETag.ToString();
        var listed = new IncomingBlob("in/a.csv", etag, 7, null);

        // A worker that stopped after recording the run, before sending its message: the run is there, the file too.
        var runId = DropzoneIntake.RunIdFor(source.Id, listed);
        await using (var catalog = engine.Get<IWarehouse>().CreateCatalog())
        {
            catalog.Runs.Add(Run.Queue(runId, await Dataset.FindOrCreateAsync(catalog, "dropped", DateTime.UtcNow, CancellationToken.None),
                new RunPayload("dropped/none", FileName: null), startedBy: null, DateTime.UtcNow, source));
            await catalog.SaveChangesAsync();
        }

        var queue = new RecordingQueue();
        var intake = new DropzoneIntake(engine.Get<IWarehouse>(), engine.Get<IncomingStore>(), engine.Get<RawStore>(), queue, TimeProvider.System,
            NullLogger<DropzoneIntake>.Instance);

        Assert.Equal(0, await intake.ScanAsync(CancellationToken.None));
        Assert.Equal([runId], queue.Sent);
        Assert.False(await blob.ExistsAsync());
        Assert.Equal(0, await intake.ScanAsync(CancellationToken.None));
        await using (var catalog = engine.Get<IWarehouse>().CreateCatalog())
        {
            Assert.Equal(1, await catalog.Runs.CountAsync(r => r.SourceId == source.Id));
        }
    }

    [Fact]
    public async Task A_file_whose_message_could_not_be_sent_stays_and_is_queued_by_the_next_scan_and_a_fresh_file_waits()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        await SaveAsync(engine, new SourceDefinition { Name = "flaky", Kind = "dropzone", Dataset = "flaky", Dropzone = new DropzoneSettings { Prefix = "flaky/" } });
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(IncomingStore.ContainerName);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("flaky/a.csv");
        await blob.UploadAsync(BinaryData.FromString("id\n1\n"), overwrite: true);
        DropzoneIntake Intake(IIngestionQueue queue, double quietSeconds = 0) => new(
            engine.Get<IWarehouse>(), engine.Get<IncomingStore>(), engine.Get<RawStore>(), queue, TimeProvider.System, NullLogger<DropzoneIntake>.Instance,
            Microsoft.Extensions.Options.Options.Create(new SourcesOptions { DropzoneQuietSeconds = quietSeconds }));

        Assert.Equal(0, await Intake(new RecordingQueue(), quietSeconds: 3600).ScanAsync(CancellationToken.None));
        Assert.Equal(0, await Intake(new BrokenQueue()).ScanAsync(CancellationToken.None));
        Assert.True(await blob.ExistsAsync());
        Run run;
        await using (var catalog = engine.Get<IWarehouse>().CreateCatalog())
        {
            run = await catalog.Runs.AsNoTracking().SingleAsync(r => r.SourceName == "flaky");
        }

        Assert.Equal(RunStatus.Queued, run.Status);
        var queue = new RecordingQueue();
        await Intake(queue).ScanAsync(CancellationToken.None);
        Assert.Equal([run.Id], queue.Sent);
        Assert.False(await blob.ExistsAsync());
    }

    [Fact]
    public async Task An_upload_may_not_carry_a_source_column_and_a_mapping_may_not_merge_two_fields()
    {
        await using var engine = await fixture.EngineAsync("sqlite");

        var upload = await engine.LoadAsync("posing", "id,_source\n1,erp\n");

        Assert.Equal(RunStatus.Failed, upload.Status);
        Assert.StartsWith("The file has a column named '_source'", upload.Error, StringComparison.Ordinal);

        var source = await SaveAsync(engine, new SourceDefinition
        {
            Name = "merging", Kind = "dropzone", Dataset = "merging", Dropzone = new DropzoneSettings { Prefix = "merging/" },
            Mapping = new SourceMapping { Columns = new Dictionary<string, string> { ["cust_id"] = "id" } },
        });
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(IncomingStore.ContainerName);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("merging/a.csv").UploadAsync(BinaryData.FromString("id,cust_id\n1,2\n"), overwrite: true);
        var queue = new RecordingQueue();
        await new DropzoneIntake(engine.Get<IWarehouse>(), engine.Get<IncomingStore>(), engine.Get<RawStore>(), queue, TimeProvider.System,
            NullLogger<DropzoneIntake>.Instance).ScanAsync(CancellationToken.None);
        await engine.Get<IRunMessageHandler>().HandleAsync(new RunMessage(queue.Sent.Single(), null, null), 1, CancellationToken.None);

        var merged = await engine.RunAsync(queue.Sent.Single());
        Assert.Equal(RunStatus.Failed, merged.Status);
        Assert.Equal("The payload's fields 'id' and 'cust_id' would both be the column 'id' after the source's mapping. Map one of them to another name.", merged.Error);
        Assert.Equal(source.Id, merged.SourceId);
    }

    [Fact]
    public async Task A_run_queued_long_ago_and_never_started_is_queued_again_when_its_source_is_due()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 9, 59, 0, TimeSpan.Zero));
        var definition = new SourceDefinition
        {
            Name = "stuck", Kind = "rest", Dataset = "stuck", Schedule = "*/5 * * * *", Rest = new RestSettings { Url = "http://127.0.0.1:9/stuck" },
        };
        var source = await SaveAsync(engine, definition, time.GetUtcNow().UtcDateTime);
        var lost = new RecordingQueue();
        Run stuck;
        await using (var catalog = engine.Get<IWarehouse>().CreateCatalog())
        {
            stuck = (await SourceRuns.StartPullAsync(catalog, lost, await catalog.Sources.AsNoTracking().SingleAsync(s => s.Id == source.Id),
                "test", time.GetUtcNow().UtcDateTime, CancellationToken.None)).Started!;
        }

        var queue = new RecordingQueue();
        var scheduler = new SourceScheduler(engine.Get<IWarehouse>(), queue, time, NullLogger<SourceScheduler>.Instance);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await scheduler.TickAsync(CancellationToken.None));
        Assert.Empty(queue.Sent);

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await scheduler.TickAsync(CancellationToken.None));
        Assert.Equal([stuck.Id], queue.Sent);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Two_sources_feed_one_dataset_and_a_key_keeps_the_latest_write_unless_a_priority_says_otherwise(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        await engine.SetSettingsAsync("latest", """{"mode":"upsert","key":["id"]}""");
        await engine.SetSettingsAsync("ranked", """{"mode":"upsert","key":["id"],"sourcePriority":["erp-ranked"]}""");
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(IncomingStore.ContainerName);
        await container.CreateIfNotExistsAsync();
        var queue = new RecordingQueue();
        var prefix = "p" + Guid.NewGuid().ToString("N")[..8];

        async Task LoadAsync(string sourceName, string dataset, string csv)
        {
            var source = await SourceByNameAsync(engine, $"{sourceName}-{dataset}") ?? await SaveAsync(engine, new SourceDefinition
            {
                Name = $"{sourceName}-{dataset}", Kind = "dropzone", Dataset = dataset,
                Dropzone = new DropzoneSettings { Prefix = $"{prefix}/{sourceName}-{dataset}/" },
            });
            var blob = container.GetBlobClient($"{prefix}/{sourceName}-{dataset}/{Guid.NewGuid():N}.csv");
            await blob.UploadAsync(BinaryData.FromString(csv));
            var listed = new IncomingBlob(blob.Name, (await blob.GetPropertiesAsync()).Value.ETag.ToString(), csv.Length, null);
            var received = new DropzoneIntake(engine.Get<IWarehouse>(), engine.Get<IncomingStore>(), engine.Get<RawStore>(), queue, TimeProvider.System,
                NullLogger<DropzoneIntake>.Instance);
            Assert.True(await received.ReceiveAsync(source, listed, CancellationToken.None));
            await engine.Get<IRunMessageHandler>().HandleAsync(new RunMessage(queue.Sent[^1], null, null), 1, CancellationToken.None);
            Assert.Equal(RunStatus.Succeeded, (await engine.RunAsync(queue.Sent[^1])).Status);
        }

        foreach (var dataset in new[] { "latest", "ranked" })
        {
            await LoadAsync("erp", dataset, "id,name\n1,Ann (erp)\n2,Bob (erp)\n");
            await LoadAsync("crm", dataset, "id,name\n1,Ann (crm)\n3,Cy (crm)\n");
            await LoadAsync("erp", dataset, "id,name\n3,Cy (erp)\n");
        }

        Assert.Equal(
            ["1 Ann (crm) crm-latest", "2 Bob (erp) erp-latest", "3 Cy (erp) erp-latest"],
            (await RowsAsync(engine, "latest")).Select(r => $"{r["id"]} {r["name"]} {r["_source"]}"));
        Assert.Equal(
            ["1 Ann (erp) erp-ranked", "2 Bob (erp) erp-ranked", "3 Cy (erp) erp-ranked"],
            (await RowsAsync(engine, "ranked")).Select(r => $"{r["id"]} {r["name"]} {r["_source"]}"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_database_source_loads_its_query_once_then_only_rows_whose_column_grew(string kind)
    {
        await using var engine = await fixture.EngineAsync(kind);
        var connection = kind == "sqlite"
            ? $"Data Source={Path.Combine(engine.SqliteFolder, $"erp-{Guid.NewGuid():N}.db")}"
            : await fixture.Postgres.CreateDatabaseAsync("erp");
        await using var erp = ErpDatabase.Open(kind, connection);
        await erp.ExecuteAsync("create table orders (order_id integer primary key, customer text not null, amount numeric(12,2) not null, changed_at bigint not null)");
        for (var i = 1; i <= 300; i++)
        {
            await erp.ExecuteAsync($"insert into orders values ({i}, 'c{i % 7}', {i}.25, {i})");
        }

        await engine.Get<ISecretStore>().SetAsync("erp-db", connection, FixedSecrets.LoopbackHosts, "test", CancellationToken.None);
        await engine.SetSettingsAsync("erp_orders", """{"mode":"upsert","key":["id"]}""");
        var source = await SaveAsync(engine, new SourceDefinition
        {
            Name = "erp", Kind = "database", Dataset = "erp_orders",
            Mapping = new SourceMapping { Columns = new Dictionary<string, string> { ["order_id"] = "id" } },
            Database = new DatabaseSettings
            {
                Provider = kind == "sqlite" ? "sqlite" : "postgres", Connection = "secret:erp-db",
                Query = "select order_id, customer, amount, changed_at from orders", Incremental = new DatabaseIncremental { Column = "changed_at" },
            },
        });

        var first = await RunAsync(engine, source);
        Assert.Equal((RunStatus.Succeeded, 300L, (string?)null), (first.Status, first.RowsLoaded, first.Error));
        Assert.Equal("300", (await SourceAsync(engine, source.Id)).Cursor);

        await erp.ExecuteAsync("update orders set amount = 999.99, changed_at = 301 where order_id = 42");
        await erp.ExecuteAsync("insert into orders values (301, 'new', 1.00, 302)");
        var second = await RunAsync(engine, source);
        Assert.Equal((RunStatus.Succeeded, 2L), (second.Status, second.RowsLoaded));
        Assert.Equal("302", (await SourceAsync(engine, source.Id)).Cursor);
        var rows = await RowsAsync(engine, "erp_orders");
        Assert.Equal(301, rows.Count);
        Assert.Equal((999.99m, "erp"), (rows[41]["amount"]!.GetValue<decimal>(), rows[41]["_source"]!.GetValue<string>()));

        var third = await RunAsync(engine, source);
        Assert.Equal((RunStatus.Succeeded, 0L), (third.Status, third.RowsLoaded));

        // The Api's list finds every source's latest run in one query, on either catalog.
        await using var catalog = engine.Get<IWarehouse>().CreateCatalog();
        var listed = (await Diviora.Api.Apis.SourcesApi.ListSourcesAsync(catalog, TimeProvider.System, CancellationToken.None)).Value!;
        Assert.Equal(third.Id, Assert.Single(listed).LastRun?.Id);
    }

    [Fact]
    public async Task A_database_source_that_cannot_connect_fails_its_run_without_showing_the_connection_string()
    {
        await using var engine = await fixture.EngineAsync("sqlite");
        const string Connection = "Host=127.0.0.1;Port=1;Username=erp;Password=pw-9c1e-hidden;Timeout=2";
        await engine.Get<ISecretStore>().SetAsync("erp-down", Connection, FixedSecrets.LoopbackHosts, "test", CancellationToken.None);
        var source = await SaveAsync(engine, new SourceDefinition
        {
            Name = "erp-down", Kind = "database", Dataset = "down",
            Database = new DatabaseSettings { Provider = "postgres", Connection = "secret:erp-down", Query = "select 1 as one" },
        });

        var run = await RunAsync(engine, source);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith("Fetching source 'erp-down' failed:", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("9c1e", run.Error, StringComparison.Ordinal);
    }

    private static SourceDefinition CrmSource(string name, CrmServer crm) => new()
    {
        Name = name,
        Kind = "rest",
        Dataset = "customers",
        Mapping = new SourceMapping
        {
            Columns = new Dictionary<string, string> { ["cust_id"] = "id", ["mail"] = "email" },
            Constants = new Dictionary<string, JsonElement> { ["region"] = JsonSerializer.SerializeToElement("EU") },
        },
        Rest = new RestSettings
        {
            Url = crm.Url("/customers"),
            Headers = new Dictionary<string, string> { ["Authorization"] = "secret:crm-token" },
            RecordsPath = "$.data",
            Pagination = new RestPagination { Type = "page", Param = "page", SizeParam = "per_page", Size = 25 },
            Incremental = new RestIncremental { CursorField = "updated_at", Param = "updated_since" },
        },
    };

    private static async Task<Source> SaveAsync(EngineHost engine, SourceDefinition definition, DateTime? now = null)
    {
        Assert.Null(definition.Validate());
        var source = definition.ToSource(now ?? DateTime.UtcNow);
        await using var catalog = engine.Get<IWarehouse>().CreateCatalog();
        catalog.Sources.Add(source);
        await catalog.SaveChangesAsync();
        return source;
    }

    private static async Task<Source?> SourceByNameAsync(EngineHost engine, string name)
    {
        await using var catalog = engine.Get<IWarehouse>().CreateCatalog();
        return await catalog.Sources.AsNoTracking().SingleOrDefaultAsync(s => s.NormalizedName == name);
    }

    private static async Task<Source> SourceAsync(EngineHost engine, Guid id)
    {
        await using var catalog = engine.Get<IWarehouse>().CreateCatalog();
        return await catalog.Sources.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    /// <summary>Queues a run of the source as <c>Run now</c> does and processes it in this call.</summary>
    private static async Task<Run> RunAsync(EngineHost engine, Source source)
    {
        var queue = new RecordingQueue();
        Run run;
        await using (var catalog = engine.Get<IWarehouse>().CreateCatalog())
        {
            var current = await catalog.Sources.AsNoTracking().SingleAsync(s => s.Id == source.Id);
            run = (await SourceRuns.StartPullAsync(catalog, queue, current, "test", DateTime.UtcNow, CancellationToken.None)).Started!;
        }

        await engine.Get<IRunMessageHandler>().HandleAsync(new RunMessage(run.Id, null, null), 1, CancellationToken.None);
        return await engine.RunAsync(run.Id);
    }

    private static async Task<List<JsonObject>> RowsAsync(EngineHost engine, string dataset)
    {
        var found = await engine.DatasetAsync(dataset);
        var page = await engine.Get<DatasetQueries>().ReadAsync(found, new RowsRequest { OrderBy = "id", Limit = DatasetQueries.MaxLimit }, CancellationToken.None);
        return [.. JsonNode.Parse(JsonSerializer.Serialize(page.Rows))!.AsArray().Select(n => n!.AsObject())];
    }

    private static async Task<string> RawTextAsync(EngineHost engine, Run run)
    {
        await using var stream = await engine.Get<RawStore>().OpenReadAsync(run.BlobName, CancellationToken.None);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private sealed class BrokenQueue : IIngestionQueue
    {
        public Task SendAsync(RunMessage message, CancellationToken cancellationToken) => throw new InvalidOperationException("The queue is away.");
    }
}
