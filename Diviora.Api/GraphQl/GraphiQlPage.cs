using System.Net;
using System.Text.Json;

namespace Diviora.Api.GraphQl;

/// <summary>
/// The GraphiQL page: GraphiQL 4's browser bundle on React 18's, all served from this host, so it needs no network.
/// </summary>
internal static class GraphiQlPage
{
    /// <summary>The npm packages the page loads, each served under <c>/graphql/ui/assets/{package}</c>.</summary>
    public static readonly IReadOnlyList<string> Packages = ["graphiql", "react", "react-dom"];

    private const string DefaultQuery = """
        # Every dataset, its columns, and the query field that reads its rows.
        {
          datasets {
            name
            rowCount
            field
            columns { name type field }
          }
        }
        """;

    public static string Html(PathString pathBase)
    {
        var assets = WebUtility.HtmlEncode($"{pathBase}/graphql/ui/assets");
        var endpoint = JsonSerializer.Serialize($"{pathBase}/graphql");
        var query = JsonSerializer.Serialize(DefaultQuery);
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Diviora GraphQL</title>
              <link rel="icon" href="data:,">
              <link rel="stylesheet" href="{{assets}}/graphiql/graphiql.min.css">
              <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
            </head>
            <body>
              <div id="graphiql">Loading GraphiQL...</div>
              <script src="{{assets}}/react/umd/react.production.min.js"></script>
              <script src="{{assets}}/react-dom/umd/react-dom.production.min.js"></script>
              <script src="{{assets}}/graphiql/graphiql.min.js"></script>
              <script>
                const fetcher = GraphiQL.createFetcher({ url: {{endpoint}} });
                ReactDOM.createRoot(document.getElementById('graphiql')).render(
                  React.createElement(GraphiQL, { fetcher, defaultQuery: {{query}}, defaultEditorToolsVisibility: true }));
              </script>
            </body>
            </html>
            """;
    }
}
