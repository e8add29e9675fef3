using Diviora.Web.Api;

namespace Diviora.Web.Components.Runs;

/// <summary>One stage of a run: done, active (in progress), pending, failed or skipped; its duration once known.</summary>
public sealed record RunStage(string Name, string State, TimeSpan? Duration, double Share)
{
    public string Text => State switch
    {
        "active" => Duration is { } d ? RunText.Duration(d) + " so far" : "in progress",
        "pending" => "waiting",
        "skipped" => "did not run",
        _ => Duration is { } done ? RunText.Duration(done) : "",
    };
}

/// <summary>Splits a run into the stages the timeline shows, from the catalog's times and the worker's timings.</summary>
public static class RunStages
{
    public static IReadOnlyList<RunStage> Of(RunSummary run, DateTime now)
    {
        var queued = (run.StartedAt ?? (run.HasEnded ? run.FinishedAt : null) ?? now) - run.CreatedAt;
        var stages = new List<(string Name, string State, TimeSpan? Duration)>
        {
            ("Queued", run.StartedAt is null && !run.HasEnded ? "active" : "done", queued),
        };

        if (run.Source is not null && run.FetchMs is { } fetched)
        {
            // A source's run fetches its payload into Blob Storage before it is read.
            stages.Add(("Fetch from the source", "done", TimeSpan.FromMilliseconds(fetched)));
        }

        if (run.Timings is { } t)
        {
            // The worker reports its three passes when the run ends.
            stages.Add(("Read and infer the schema", "done", TimeSpan.FromMilliseconds(t.InferMs)));
            stages.Add(("Validate, type and stage rows", "done", TimeSpan.FromMilliseconds(t.StageMs)));
            stages.Add(("Load into the dataset", run.Status == "Failed" ? "failed" : "done", TimeSpan.FromMilliseconds(t.LoadMs)));
        }
        else if (run.StartedAt is { } started)
        {
            var processing = (run.FinishedAt ?? now) - started;
            stages.Add(("Read, validate and load", run.Status switch { "Failed" => "failed", "Succeeded" => "done", _ => "active" }, processing));
        }
        else
        {
            stages.Add(("Read, validate and load", run.Status == "Failed" ? "skipped" : "pending", null));
        }

        stages.Add(run.Status switch
        {
            "Succeeded" => ("Succeeded", "done", null),
            "Failed" => ("Failed", "failed", null),
            _ => ("Finished", "pending", null),
        });

        var longest = stages.Max(s => s.Duration?.TotalMilliseconds ?? 0);
        return [.. stages.Select(s => new RunStage(s.Name, s.State, s.Duration,
            longest <= 0 || s.Duration is null ? 0 : Math.Max(1, 100 * s.Duration.Value.TotalMilliseconds / longest)))];
    }
}
