using Diviora.Core.Catalog;
using Diviora.Core.Query;
using GraphQL;

namespace Diviora.Api.GraphQl;

/// <summary>
/// The errors users can act on, as GraphQL errors: the message says what is wrong, <c>extensions</c> carry a
/// <c>code</c> and the <c>parameter</c> (the argument) at fault, as the REST problem details do.
/// </summary>
internal static class GraphQlErrors
{
    /// <summary>A filter, orderBy, cursor or page that <see cref="DatasetQueries"/> refused, with where the problem starts.</summary>
    public static ExecutionError InvalidQuery(QueryException e) => new(e.Message)
    {
        Code = "INVALID_QUERY",
        Extensions = new Dictionary<string, object?> { ["parameter"] = e.Parameter, ["position"] = e.Position < 0 ? null : e.Position },
    };

    /// <summary>An argument outside what the field accepts.</summary>
    public static ExecutionError InvalidArgument(string parameter, string message) => new(message)
    {
        Code = "INVALID_ARGUMENT",
        Extensions = new Dictionary<string, object?> { ["parameter"] = parameter },
    };

    public static ExecutionError InvalidDatasetName(string parameter, string name) =>
        InvalidArgument(parameter, $"'{name}' is not a valid dataset name: use {DatasetName.Rule}.");

    /// <summary>Checks a page size; the message names the argument and the value given.</summary>
    public static int Limit(int limit, int max) =>
        limit < 1 || limit > max ? throw InvalidArgument("limit", $"limit must be between 1 and {max}; it was {limit}.") : limit;

    /// <summary>Checks a page start.</summary>
    public static int Offset(int offset) =>
        offset < 0 ? throw InvalidArgument("offset", $"offset must be 0 or more; it was {offset}.") : offset;
}
