using System.Diagnostics;
using Diviora.Core;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Storage;
using Diviora.Core.Warehouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Diviora.Benchmarks;

/// <summary>One run of the real engine, wired as the Worker wires it, reading the payload from a folder.</summary>
internal static class EngineRun
{
    /// <summary>The measured run; <see cref="Host"/> stays up (with the loaded dataset) until the caller disposes it.</summary>
    public sealed record Result(TimeSpan Elapsed, double PeakMegabytes, string Stages, IHost Host, string Dataset);

    /// <summary>Loads <paramref name="file"/> into the warehouse <paramref name="warehouseConnection"/> names.</summary>
    public static async Task<Result> MeasureAsync(string file, long expectedRows, string warehouseConnection, string workDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["ConnectionStrings:warehouse"] = warehouseConnection;
        builder.AddDivioraCore();
        builder.AddDivioraIngestion();
        builder.Services.AddSingleton<IPayloadStore>(new FolderPayloadStore(Path.GetDirectoryName(file)!));
        builder.Services.AddSingleton<IRejectsStore>(new FolderRejectsStore(Path.Combine(workDirectory, "rejects")));
        var host = builder.Build();
        var warehouse = host.Services.GetRequiredService<IWarehouse>();
        await warehouse.MigrateAsync(CancellationToken.None);

        var runId = Guid.CreateVersion7();
        await using (var connection = await warehouse.OpenAsync(CancellationToken.None))
        await using (var catalog = warehouse.CatalogOn(connection))
        {
            catalog.Runs.Add(Run.Queue(runId, Dataset.Create("standard", DateTime.UtcNow),
                new RunPayload(Path.GetFileName(file), Path.GetFileName(file)), startedBy: null, DateTime.UtcNow));
            await catalog.SaveChangesAsync();
        }

        // The pipeline itself, so the stage times are at hand; RunProcessor only wraps it with status updates.
        var pipeline = host.Services.GetRequiredService<IngestionPipeline>();
        await using (var connection = await warehouse.OpenAsync(CancellationToken.None))
        await using (var catalog = warehouse.CatalogOn(connection))
        {
            var queued = await catalog.Runs.FindAsync(runId);
            queued!.Start(DateTime.UtcNow);
            await catalog.SaveChangesAsync();
        }

        GC.Collect();
        var stopwatch = Stopwatch.StartNew();
        var result = await pipeline.LoadAsync(runId, attempt: 1, CancellationToken.None);
        stopwatch.Stop();

        Run run;
        await using (var connection = await warehouse.OpenAsync(CancellationToken.None))
        await using (var catalog = warehouse.CatalogOn(connection))
        {
            run = await catalog.Runs.FindAsync(runId) ?? throw new InvalidOperationException("The run vanished.");
        }

        if (run.Status != RunStatus.Succeeded || run.RowsLoaded != expectedRows)
        {
            throw new InvalidOperationException($"The engine run did not load the file: {run.Status}, {run.RowsLoaded} rows, {run.Error}");
        }

        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
        return new Result(stopwatch.Elapsed, peak,
            $"infer {result.Infer.TotalSeconds:N2} s, read+type+stage {result.Stage.TotalSeconds:N2} s, append {result.Append.TotalSeconds:N2} s", host, "standard");
    }
}
