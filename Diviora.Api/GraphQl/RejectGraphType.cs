using Diviora.Core.Ingestion.Rejects;
using GraphQL.Types;

namespace Diviora.Api.GraphQl;

/// <summary><c>Reject</c>: one row a run rejected.</summary>
internal sealed class RejectGraphType : ObjectGraphType<Reject>
{
    public RejectGraphType()
    {
        Name = "Reject";
        Description = "One rejected row: where it was in the payload, the column and value that failed, and why.";
        Field<NonNullGraphType<LongGraphType>>("rowNumber").Description("The row's number in the payload, from 1 after the header.")
            .Resolve(c => c.Source.RowNumber);
        Field<NonNullGraphType<StringGraphType>>("column").Description("The column whose value failed.").Resolve(c => c.Source.Column);
        Field<StringGraphType>("value").Description("The value as it was in the payload; null for a missing value.").Resolve(c => c.Source.Value);
        Field<NonNullGraphType<StringGraphType>>("reason").Description("Why the row was rejected.").Resolve(c => c.Source.Reason);
    }
}
