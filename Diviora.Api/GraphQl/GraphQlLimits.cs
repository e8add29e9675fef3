using GraphQL;
using GraphQL.Types;
using GraphQL.Validation.Complexity;

namespace Diviora.Api.GraphQl;

/// <summary>
/// How much one request may ask for, checked before anything runs. A list costs its <c>limit</c> argument (or its
/// page's, for <c>rows</c>) per child, so <c>runs(limit: 1000) { rejects(limit: 1000) { reason } }</c>, a million
/// rejects, is refused while a page of 1,000 rows of 30 columns is not. Introspection is free: it is as big as the schema.
/// </summary>
internal static class GraphQlLimits
{
    /// <summary>Deep enough for the introspection query GraphiQL sends (nine levels of ofType under __schema.types.fields.args.type).</summary>
    public const int MaxDepth = 15;

    /// <summary>Roughly the values one response may hold: three pages of 1,000 rows of 30 columns.</summary>
    public const int MaxComplexity = 100_000;

    /// <summary>What a list without a limit (datasets, columns) counts for.</summary>
    public const double UnlimitedListSize = 20;

    public static void Configure(ComplexityOptions options)
    {
        options.MaxDepth = MaxDepth;
        options.MaxComplexity = MaxComplexity;
        options.DefaultListImpactMultiplier = UnlimitedListSize;
        options.DefaultComplexityImpactDelegate = Impact;
    }

    private static FieldComplexityResult Impact(FieldImpactContext context)
    {
        if (context.ParentType.Name.StartsWith("__", StringComparison.Ordinal) || context.FieldDefinition.Name.StartsWith("__", StringComparison.Ordinal))
        {
            return new FieldComplexityResult(0, 1);
        }

        var type = Unwrap(context.FieldDefinition.ResolvedType);
        var impact = type?.GetNamedType() is ScalarGraphType ? context.Configuration.DefaultScalarImpact : context.Configuration.DefaultObjectImpact;
        if (type is not ListGraphType)
        {
            return new FieldComplexityResult(impact, 1);
        }

        var limit = Limit(context);
        if (limit is null && context.Parent is { } parent && Unwrap(parent.FieldDefinition.ResolvedType) is not ListGraphType)
        {
            limit = Limit(parent);
        }

        return new FieldComplexityResult(impact, limit ?? context.Configuration.DefaultListImpactMultiplier);
    }

    private static int? Limit(FieldImpactContext context) =>
        context.FieldDefinition.Arguments?.Find("limit") is { } argument
            ? Math.Max(1, context.GetArgument("limit", argument.DefaultValue is int fallback ? fallback : 1))
            : null;

    private static IGraphType? Unwrap(IGraphType? type) => type is NonNullGraphType nonNull ? nonNull.ResolvedType : type;
}
