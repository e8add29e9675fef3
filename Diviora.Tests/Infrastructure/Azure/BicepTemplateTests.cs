using System.Text.Json;
using Diviora.Core.Documents;
using Diviora.Core.Ingestion.Rejects;
using Diviora.Core.Messaging;
using Diviora.Core.Secrets;
using Diviora.Core.Storage;

namespace Diviora.Tests.Infrastructure.Azure;

/// <summary>
/// infra/ compiled and linted offline with the bicep CLI from NuGet, and the compiled ARM JSON checked for what the
/// deployment promises: Entra-only data services, one managed identity, no keys, and the code's names.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BicepTemplateTests
{
    private static readonly Lazy<ArmTemplate> Compiled = new(ArmTemplate.Compile);

    private static ArmTemplate Template => Compiled.Value;

    [Fact]
    public void Lint_reports_no_diagnostics_with_every_rule_an_error()
    {
        var (exitCode, output, errors) = ArmTemplate.Bicep("lint", ArmTemplate.Infra("main.bicep"));

        Assert.True(exitCode == 0 && output.Trim().Length == 0 && errors.Trim().Length == 0, $"bicep lint:\n{output}\n{errors}");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(ArmTemplate.RepoRoot, "bicepconfig.json")));
        var rules = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules").EnumerateObject().ToList();
        Assert.True(rules.Count >= 40, $"only {rules.Count} rules are listed");
        Assert.All(rules, rule => Assert.Equal("error", rule.Value.GetProperty("level").GetString()));
    }

    [Theory]
    [InlineData("Microsoft.Resources/resourceGroups")]
    [InlineData("Microsoft.OperationalInsights/workspaces")]
    [InlineData("Microsoft.Insights/components")]
    [InlineData("Microsoft.ManagedIdentity/userAssignedIdentities")]
    [InlineData("Microsoft.ContainerRegistry/registries")]
    [InlineData("Microsoft.Storage/storageAccounts")]
    [InlineData("Microsoft.ServiceBus/namespaces")]
    [InlineData("Microsoft.EventGrid/systemTopics")]
    [InlineData("Microsoft.EventGrid/systemTopics/eventSubscriptions")]
    [InlineData("Microsoft.Sql/servers")]
    [InlineData("Microsoft.Sql/servers/databases")]
    [InlineData("Microsoft.DocumentDB/databaseAccounts")]
    [InlineData("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")]
    [InlineData("Microsoft.KeyVault/vaults")]
    [InlineData("Microsoft.App/managedEnvironments")]
    [InlineData("Microsoft.Insights/scheduledQueryRules")]
    [InlineData("Microsoft.Insights/metricAlerts")]
    [InlineData("Microsoft.Insights/workbooks")]
    public void Declares_the_resource_kind(string type) => Assert.NotEmpty(Template.OfType(type));

    [Fact]
    public void Is_a_subscription_deployment_with_an_azd_tagged_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate", Template.Root.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        var group = Template.Single("Microsoft.Resources/resourceGroups");
        Assert.Equal("[format('rg-{0}', parameters('environmentName'))]", group.Json.GetProperty("name").GetString());
        Assert.Equal("[parameters('environmentName')]", group.Json.GetProperty("tags").GetProperty("azd-env-name").GetString());
    }

    [Fact]
    public void Storage_takes_no_shared_key_no_public_blob_access_and_tls_1_2_only()
    {
        var account = Template.Single("Microsoft.Storage/storageAccounts").Properties;

        Assert.False(account.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(account.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", account.GetProperty("minimumTlsVersion").GetString());
        Assert.True(account.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
    }

    [Fact]
    public void Blob_containers_are_the_ones_the_code_uses()
    {
        var containers = Template.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        var names = containers.Scope.Resolve(JsonDocument.Parse("\"[parameters('containerNames')]\"").RootElement)
            .EnumerateArray().Select(n => n.GetString()).Order();

        Assert.Equal(
            new[] { RawStore.ContainerName, BlobRejectsStore.ContainerName, IncomingStore.ContainerName, BlobSecretStore.ContainerName, BlobKeyRepository.ContainerName }.Order(),
            names);
        Assert.Equal("None", containers.Properties.GetProperty("publicAccess").GetString());
    }

    [Fact]
    public void Service_bus_has_no_local_auth_and_the_code_s_ingestion_queue_with_its_deliveries()
    {
        Assert.True(Template.Single("Microsoft.ServiceBus/namespaces").Properties.GetProperty("disableLocalAuth").GetBoolean());

        var queues = Template.OfType("Microsoft.ServiceBus/namespaces/queues").ToList();
        var defaults = new QueueOptions();
        var ingestion = Assert.Single(queues, q => QueueName(q) == defaults.Name);
        Assert.Equal(defaults.MaxDeliveries, ingestion.Scope.Resolve(ingestion.Properties.GetProperty("maxDeliveryCount")).GetInt32());
        Assert.True(ingestion.Properties.GetProperty("deadLetteringOnMessageExpiration").GetBoolean());
        Assert.Single(queues, q => QueueName(q) == "blob-events");
    }

    [Fact]
    public void Cosmos_is_serverless_without_local_auth_with_the_code_s_database_and_container()
    {
        var account = Template.Single("Microsoft.DocumentDB/databaseAccounts");

        Assert.True(account.Properties.GetProperty("disableLocalAuth").GetBoolean());
        Assert.Contains(account.Properties.GetProperty("capabilities").EnumerateArray(), c => c.GetProperty("name").GetString() == "EnableServerless");
        var container = Template.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        var resource = container.Properties.GetProperty("resource");
        Assert.Equal(CosmosDocumentStore.ContainerName, container.Resolve(resource.GetProperty("id")));
        Assert.Equal(CosmosDocumentStore.PartitionKeyPath, container.Resolve(resource.GetProperty("partitionKey").GetProperty("paths")[0]));
        var database = Template.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");
        Assert.Equal(CosmosDocumentStore.DatabaseName, database.Resolve(database.Properties.GetProperty("resource").GetProperty("id")));
        var assignment = Template.Single("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        Assert.Contains("/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002",
            assignment.Properties.GetProperty("roleDefinitionId").GetString(), StringComparison.Ordinal);
        Assert.Equal("[parameters('deployCosmos')]", Template.Single("Microsoft.Resources/deployments", "cosmos").Json.GetProperty("condition").GetString());
        Assert.True(Template.Root.GetProperty("parameters").GetProperty("deployCosmos").GetProperty("defaultValue").GetBoolean());
    }

    [Fact]
    public void Sql_allows_entra_only_and_its_database_is_serverless_and_pauses()
    {
        var admin = Template.Single("Microsoft.Sql/servers").Properties.GetProperty("administrators");
        Assert.True(admin.GetProperty("azureADOnlyAuthentication").GetBoolean());
        Assert.Equal("ActiveDirectory", admin.GetProperty("administratorType").GetString());
        Assert.False(Template.Single("Microsoft.Sql/servers").Properties.TryGetProperty("administratorLoginPassword", out _));

        var database = Template.Single("Microsoft.Sql/servers/databases");
        Assert.Equal("GP_S_Gen5", database.Json.GetProperty("sku").GetProperty("name").GetString());
        Assert.True(database.Properties.GetProperty("autoPauseDelay").GetInt32() > 0);
    }

    [Fact]
    public void Key_vault_uses_rbac_soft_delete_and_purge_protection()
    {
        var vault = Template.Single("Microsoft.KeyVault/vaults").Properties;

        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
    }

    [Fact]
    public void The_registry_has_no_admin_user()
    {
        Assert.False(Template.Single("Microsoft.ContainerRegistry/registries").Properties.GetProperty("adminUserEnabled").GetBoolean());
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    [InlineData("web")]
    public void Each_app_runs_as_the_user_assigned_identity_and_carries_its_azd_service_name(string service)
    {
        var app = App(service);

        Assert.Equal(service, app.Json.GetProperty("tags").GetProperty("azd-service-name").GetString());
        var identity = app.Json.GetProperty("identity");
        Assert.Equal("UserAssigned", identity.GetProperty("type").GetString());
        Assert.Single(identity.GetProperty("userAssignedIdentities").EnumerateObject());
        var registry = Assert.Single(app.Properties.GetProperty("configuration").GetProperty("registries").EnumerateArray());
        Assert.Equal("[parameters('identityId')]", registry.GetProperty("identity").GetString());
    }

    [Theory]
    [InlineData("api")]
    [InlineData("web")]
    public void Api_and_web_take_https_only_from_outside(string service)
    {
        var ingress = App(service).Properties.GetProperty("configuration").GetProperty("ingress");

        Assert.True(ingress.GetProperty("external").GetBoolean());
        Assert.False(ingress.GetProperty("allowInsecure").GetBoolean());
    }

    [Fact]
    public void The_worker_has_no_ingress_and_scales_from_zero_on_the_code_s_queue_with_the_identity()
    {
        var worker = App("worker");
        Assert.False(worker.Properties.GetProperty("configuration").TryGetProperty("ingress", out _));

        var scale = worker.Properties.GetProperty("template").GetProperty("scale");
        Assert.Equal(0, scale.GetProperty("minReplicas").GetInt32());
        var rules = scale.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("custom")).ToList();
        Assert.All(rules, rule =>
        {
            Assert.Equal("azure-servicebus", rule.GetProperty("type").GetString());
            Assert.Equal("[parameters('identityId')]", rule.GetProperty("identity").GetString());
            Assert.False(rule.TryGetProperty("auth", out _));
            Assert.NotNull(worker.Resolve(rule.GetProperty("metadata").GetProperty("namespace")));
        });
        Assert.Contains(rules, rule => worker.Resolve(rule.GetProperty("metadata").GetProperty("queueName")) == new QueueOptions().Name);
        Assert.True(string.CompareOrdinal(worker.Json.GetProperty("apiVersion").GetString(), "2024-02-02-preview") >= 0);
    }

    [Fact]
    public void Blob_created_events_of_the_incoming_container_reach_the_service_bus_queue_with_a_managed_identity()
    {
        var topic = Template.Single("Microsoft.EventGrid/systemTopics");
        Assert.Equal("SystemAssigned", topic.Json.GetProperty("identity").GetProperty("type").GetString());

        var subscription = Template.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions").Properties;
        var filter = subscription.GetProperty("filter");
        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter.GetProperty("includedEventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains($"'/blobServices/default/containers/{{0}}/', parameters('incomingContainerName')", filter.GetProperty("subjectBeginsWith").GetString(), StringComparison.Ordinal);
        var eventGrid = Template.Single("Microsoft.Resources/deployments", "eventgrid");
        Assert.Equal(IncomingStore.ContainerName, eventGrid.Scope.Resolve(eventGrid.Properties.GetProperty("parameters").GetProperty("incomingContainerName").GetProperty("value")).GetString());

        var delivery = subscription.GetProperty("deliveryWithResourceIdentity");
        Assert.Equal("SystemAssigned", delivery.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("ServiceBusQueue", delivery.GetProperty("destination").GetProperty("endpointType").GetString());
        Assert.False(subscription.TryGetProperty("destination", out _));
    }

    [Theory]
    [InlineData("7f951dda-4ed3-4680-a7ca-43fe172d538d")] // AcrPull
    [InlineData("ba92f5b4-2d11-453d-a403-e96b0029c9fe")] // Storage Blob Data Contributor
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88")] // Storage Queue Data Contributor
    [InlineData("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39")] // Service Bus Data Sender
    [InlineData("4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0")] // Service Bus Data Receiver
    [InlineData("090c5cfd-751d-490a-894a-3ce6f1109419")] // Service Bus Data Owner (the KEDA scaler)
    [InlineData("4633458b-17de-408a-b874-0445c86b69e6")] // Key Vault Secrets User
    [InlineData("b86a8fe4-44ce-4948-aee5-eccb2c155cd7")] // Key Vault Secrets Officer (the Api writes secrets)
    public void Assigns_the_role(string roleId)
    {
        Assert.NotEmpty(Template.OfType("Microsoft.Authorization/roleAssignments"));
        Assert.Contains($"\"{roleId}\"", Template.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountKey")]
    [InlineData("SharedAccessKey")]
    [InlineData("listKeys(")]
    [InlineData("Password")]
    [InlineData("listConnectionStrings(")]
    [InlineData("listCredentials(")]
    public void Holds_no_key_or_password_anywhere(string marker)
    {
        Assert.DoesNotContain(marker, Template.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Outputs_hold_what_azd_and_the_hook_need_and_no_connection_string()
    {
        var outputs = Template.Root.GetProperty("outputs").EnumerateObject().ToDictionary(o => o.Name, o => o.Value.GetProperty("value").GetString()!);

        foreach (var name in new[]
        {
            "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_CONTAINER_APPS_ENVIRONMENT_ID", "AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN",
            "MANAGED_IDENTITY_CLIENT_ID", "MANAGED_IDENTITY_NAME", "AZURE_SQL_SERVER_FQDN", "AZURE_SQL_DATABASE_NAME",
        })
        {
            Assert.Contains(name, outputs.Keys);
        }

        Assert.All(outputs, output => Assert.DoesNotContain("onnectionString", output.Value, StringComparison.OrdinalIgnoreCase));
        Assert.All(Template.Resources.Where(r => r.Json.TryGetProperty("outputs", out _) || r.Type == "Microsoft.Resources/deployments")
            .SelectMany(r => r.Properties.TryGetProperty("template", out var t) && t.TryGetProperty("outputs", out var o) ? o.EnumerateObject() : []),
            output => Assert.DoesNotContain("ConnectionString", output.Value.GetProperty("value").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public void The_web_client_secret_is_a_secure_parameter_kept_in_key_vault_and_referenced_by_the_web()
    {
        Assert.Equal("securestring", Template.Root.GetProperty("parameters").GetProperty("webClientSecret").GetProperty("type").GetString(), ignoreCase: true);
        var web = App("web");
        var secrets = web.Properties.GetProperty("configuration").GetProperty("secrets").GetString()!;
        Assert.Contains("'keyVaultUrl'", secrets, StringComparison.Ordinal);
        Assert.Contains("'identity', parameters('identityId')", secrets, StringComparison.Ordinal);
        Assert.DoesNotContain("'value'", secrets, StringComparison.Ordinal);
        Assert.False(App("api").Properties.GetProperty("configuration").TryGetProperty("secrets", out _));
    }

    [Fact]
    public void The_apps_get_their_settings_from_environment_variables_named_as_the_code_reads_them()
    {
        var apps = Template.Single("Microsoft.Resources/deployments", "apps").Properties.GetProperty("template").GetRawText();

        foreach (var name in new[]
        {
            "ConnectionStrings__storage", "ConnectionStrings__messaging", "ConnectionStrings__warehouse", "ConnectionStrings__" + DocumentsExtensions.ConnectionName,
            "AZURE_CLIENT_ID", "APPLICATIONINSIGHTS_CONNECTION_STRING", "Diviora__Queue__Name", "Diviora__Secrets__KeyVaultUri",
            "Diviora__Dropzone__EventsQueue", "Diviora__Identity__Authority", "Diviora__Identity__Audience", "Diviora__Identity__ClientId",
            "Diviora__Identity__ClientSecret", "Diviora__Identity__ApiScope", "services__api__https__0", "AllowedHosts",
        })
        {
            Assert.Contains($"'{name}'", apps, StringComparison.Ordinal);
        }

        Assert.Contains("Authentication=Active Directory Default", apps, StringComparison.Ordinal);
        Assert.Contains("'ASPNETCORE_ENVIRONMENT', 'value', 'Production'", apps, StringComparison.Ordinal);
    }

    [Fact]
    public void Required_parameters_fail_early_and_every_parameter_is_filled_by_azd()
    {
        var declared = Template.Root.GetProperty("parameters").EnumerateObject().ToList();
        using var file = JsonDocument.Parse(File.ReadAllText(ArmTemplate.Infra("main.parameters.json")));
        var filled = file.RootElement.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").ToString());

        Assert.Equal(declared.Select(p => p.Name).Order(), filled.Keys.Order());
        foreach (var parameter in declared.Where(p => !p.Value.TryGetProperty("defaultValue", out _)))
        {
            Assert.True(parameter.Value.GetProperty("type").GetString() != "string" || parameter.Value.GetProperty("minLength").GetInt32() >= 1,
                $"{parameter.Name} has no default and accepts an empty string");
        }

        Assert.Equal("${AZURE_ENV_NAME}", filled["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", filled["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", filled["principalId"]);
        Assert.Equal("${SERVICE_API_IMAGE_NAME=}", filled["apiImageName"]);
    }

    // A child's name compiles to [format('{0}/{1}', parameters('name'), parameters('<queue>'))]: follow the last parameter.
    private static string? QueueName(ArmResource queue)
    {
        var name = queue.Json.GetProperty("name").GetString()!;
        return name.StartsWith("[format('{0}/{1}'", StringComparison.Ordinal)
            ? queue.Scope.Resolve(JsonDocument.Parse($"\"[parameters('{ParameterOf(name)}')]\"").RootElement).GetString()
            : name;
    }

    private static string ParameterOf(string format) =>
        format[(format.LastIndexOf("parameters('", StringComparison.Ordinal) + "parameters('".Length)..format.LastIndexOf("')", StringComparison.Ordinal)];

    private static ArmResource App(string service) =>
        Assert.Single(Template.OfType("Microsoft.App/containerApps"), a => a.Json.GetProperty("name").GetString() == service);
}
