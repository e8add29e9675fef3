using Diviora.Core.Catalog;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Query;
using Diviora.Core.Warehouse;
using GraphQL;
using GraphQL.Conversion;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Diviora.Api.GraphQl;

/// <summary>
/// Builds the GraphQL schema of a catalog: <c>datasets</c>, <c>dataset</c>, <c>runs</c> and <c>run</c>, and one typed
/// query field per dataset that has columns. Resolvers open their own catalog context, so a schema outlives requests.
/// </summary>
internal sealed class CatalogSchemaBuilder(IWarehouse warehouse, DatasetQueries queries, RejectsReader rejects)
{
    private const int DefaultRunsLimit = 50;

    /// <summary>A schema for <paramref name="datasets"/> (with their columns), initialized and ready to share between requests.</summary>
    public ISchema Build(IReadOnlyList<Dataset> datasets)
    {
        var names = DatasetGraphNames.Choose(datasets);
        var runType = new RunGraphType(rejects, new RejectGraphType());
        var datasetType = new DatasetGraphType(warehouse, names, new ColumnGraphType(names), runType);

        var query = new ObjectGraphType { Name = "Query", Description = "Diviora's catalog, and the rows of every dataset." };
        query.Field("datasets", new NonNullGraphType(new ListGraphType(new NonNullGraphType(datasetType))))
            .Description("Every dataset, by name.")
            .ResolveAsync(async c =>
            {
                await using var catalog = warehouse.CreateCatalog();
                return await catalog.Datasets.AsNoTracking().OrderBy(d => d.NormalizedName).ToListAsync(c.CancellationToken);
            });
        query.Field("dataset", datasetType)
            .Description("The dataset named name (in any letter case); null when there is none.")
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .ResolveAsync(async c =>
            {
                var name = c.GetArgument<string>("name");
                if (!DatasetName.IsValid(name))
                {
                    throw GraphQlErrors.InvalidDatasetName("name", name);
                }

                var normalized = name.ToLowerInvariant();
                await using var catalog = warehouse.CreateCatalog();
                return await catalog.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.NormalizedName == normalized, c.CancellationToken);
            });
        query.Field("runs", new NonNullGraphType(new ListGraphType(new NonNullGraphType(runType))))
            .Description("The latest runs, newest first.")
            .Argument<StringGraphType>("dataset", "Only the runs of this dataset.")
            .Argument<StringGraphType>("status", "Only runs with this status: Queued, Running, Succeeded or Failed.")
            .Argument<IntGraphType>("limit", $"Runs to answer, 1-{RunGraphType.MaxLimit}.", a => a.DefaultValue = DefaultRunsLimit)
            .ResolveAsync(ListRunsAsync);
        query.Field("run", runType)
            .Description("The run with this id; null when there is none.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c =>
            {
                var text = c.GetArgument<string>("id");
                if (!Guid.TryParse(text, out var id))
                {
                    throw GraphQlErrors.InvalidArgument("id", $"'{text}' is not a run id: runs are named by a GUID.");
                }

                await using var catalog = warehouse.CreateCatalog();
                return await catalog.Runs.AsNoTracking().IgnoreAutoIncludes().Include(r => r.Dataset).SingleOrDefaultAsync(r => r.Id == id, c.CancellationToken);
            });

        foreach (var dataset in datasets.Where(d => names.ContainsKey(d.Id)).OrderBy(d => d.Id))
        {
            DatasetRowsField.AddTo(query, dataset, names[dataset.Id], warehouse, queries);
        }

        var schema = new Schema
        {
            Query = query,
            Description = "Diviora: datasets, runs and rows.",
            // Field names are chosen above (Contact_Phone, not contactPhone): keep them as they are.
            NameConverter = DefaultNameConverter.Instance,
        };
        // Introspection answers what graphql-js clients may ask for: isRepeatable, and deprecation of arguments.
        schema.Features.RepeatableDirectives = true;
        schema.Features.DeprecationOfInputValues = true;
        // Built once and shared by concurrent requests: initialize now rather than on the first execution.
        schema.Initialize();
        return schema;
    }

    private async Task<object?> ListRunsAsync(IResolveFieldContext<object?> context)
    {
        var limit = GraphQlErrors.Limit(context.GetArgument("limit", DefaultRunsLimit), RunGraphType.MaxLimit);
        var dataset = context.GetArgument<string?>("dataset");
        var statusText = context.GetArgument<string?>("status");
        await using var catalog = warehouse.CreateCatalog();
        var runs = catalog.Runs.AsNoTracking().IgnoreAutoIncludes().Include(r => r.Dataset).AsQueryable();
        if (!string.IsNullOrEmpty(dataset))
        {
            if (!DatasetName.IsValid(dataset))
            {
                throw GraphQlErrors.InvalidDatasetName("dataset", dataset);
            }

            var normalized = dataset.ToLowerInvariant();
            runs = runs.Where(r => r.Dataset.NormalizedName == normalized);
        }

        if (!string.IsNullOrEmpty(statusText))
        {
            if (!Enum.TryParse<RunStatus>(statusText, ignoreCase: true, out var status) || !Enum.GetNames<RunStatus>().Contains(statusText, StringComparer.OrdinalIgnoreCase))
            {
                throw GraphQlErrors.InvalidArgument("status", $"status '{statusText}' is not one of {string.Join(", ", Enum.GetNames<RunStatus>())}.");
            }

            runs = runs.Where(r => r.Status == status);
        }

        return await runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(limit).ToListAsync(context.CancellationToken);
    }
}
