using Azure.Core;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diviora.Core.Documents;

/// <summary>Registers the document store when the host was given a <c>documents</c> connection string.</summary>
public static class DocumentsExtensions
{
    /// <summary>The connection string naming the Cosmos DB account (or the local stand-in).</summary>
    public const string ConnectionName = "documents";

    /// <summary>
    /// When <c>ConnectionStrings:documents</c> is set, adds a singleton <see cref="CosmosClient"/> (see
    /// <see cref="CosmosConnection.CreateClient"/>), the <see cref="IDocumentStore"/> on it and a readiness check that
    /// reaches the account. Otherwise adds nothing: datasets then keep no documents.
    /// </summary>
    public static IHostApplicationBuilder AddDivioraDocuments(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }

        builder.Services.AddSingleton(sp => CosmosConnection.CreateClient(connectionString, sp.GetService<TokenCredential>()));
        builder.Services.AddSingleton<IDocumentStore, CosmosDocumentStore>();
        builder.Services.AddHealthChecks().AddCheck<DocumentsHealthCheck>(ConnectionName, tags: ["ready"]);
        return builder;
    }
}
