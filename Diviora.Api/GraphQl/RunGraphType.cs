using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Rejects;
using GraphQL;
using GraphQL.Types;

namespace Diviora.Api.GraphQl;

/// <summary><c>Run</c>: the status, counts and error of one ingestion, and the rows it rejected.</summary>
internal sealed class RunGraphType : ObjectGraphType<Run>
{
    /// <summary>The most runs or rejects one list answers, as in the REST Api.</summary>
    public const int MaxLimit = 1000;

    public RunGraphType(RejectsReader rejects, RejectGraphType rejectType)
    {
        Name = "Run";
        Description = "One ingestion of one payload into one dataset.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id.ToString());
        Field<NonNullGraphType<StringGraphType>>("dataset").Description("The name of the dataset the run loads.").Resolve(c => c.Source.Dataset.Name);
        Field<NonNullGraphType<StringGraphType>>("status").Description("Queued, Running, Succeeded or Failed.").Resolve(c => c.Source.Status.ToString());
        Field<StringGraphType>("fileName").Description("The file name the payload arrived with.").Resolve(c => c.Source.FileName);
        Field<StringGraphType>("source").Description("The source that started the run; null for an upload.").Resolve(c => c.Source.SourceName);
        Field<NonNullGraphType<LongGraphType>>("rowsRead").Resolve(c => c.Source.RowsRead);
        Field<NonNullGraphType<LongGraphType>>("rowsLoaded").Resolve(c => c.Source.RowsLoaded);
        Field<NonNullGraphType<LongGraphType>>("rowsRejected").Resolve(c => c.Source.RowsRejected);
        Field<StringGraphType>("error").Description("Why the run failed; null unless it did.").Resolve(c => c.Source.Error);
        Field<NonNullGraphType<IntGraphType>>("attempts").Description("How many times a worker has started the run.").Resolve(c => c.Source.Attempts);
        Field<StringGraphType>("notes")
            .Description("What happened on the run's way besides its outcome, one line each (an attempt that took over from one whose worker stopped, a message sent again); null while nothing did.")
            .Resolve(c => c.Source.Notes);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<DateTimeGraphType>("startedAt").Resolve(c => c.Source.StartedAt);
        Field<DateTimeGraphType>("finishedAt").Resolve(c => c.Source.FinishedAt);
        Field("rejects", new NonNullGraphType(new ListGraphType(new NonNullGraphType(rejectType))))
            .Description("A page of the rows the run rejected, in payload order; empty when it rejected none.")
            .Argument<IntGraphType>("offset", "Rejects to skip.", a => a.DefaultValue = 0)
            .Argument<IntGraphType>("limit", $"Rejects to answer, 1-{MaxLimit}.", a => a.DefaultValue = 100)
            .ResolveAsync(async c =>
            {
                var offset = GraphQlErrors.Offset(c.GetArgument("offset", 0));
                var limit = GraphQlErrors.Limit(c.GetArgument("limit", 100), MaxLimit);
                return c.Source.RejectsBlob is null
                    ? Array.Empty<Reject>()
                    : await rejects.ReadPageAsync(c.Source.RejectsBlob, offset, limit, c.CancellationToken);
            });
    }
}
