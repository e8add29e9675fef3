// Diviora on Azure, provisioned by `azd up`: a resource group rg-<env> with everything the Api, Worker and Web use,
// reached with one user-assigned managed identity. No key, SAS or connection string with a secret is written here.
targetScope = 'subscription'

@minLength(1)
@maxLength(48)
@description('The azd environment name (AZURE_ENV_NAME): names the resource group rg-<name>.')
param environmentName string

@minLength(1)
@description('Azure region of every resource (AZURE_LOCATION).')
param location string

@minLength(1)
@description('Object id of the deploying principal (AZURE_PRINCIPAL_ID): the Entra admin of Azure SQL unless sqlAdminObjectId is set.')
param principalId string

@description('Object id of another Entra admin of Azure SQL, e.g. a group (SQL_ADMIN_OBJECT_ID); empty: the deploying principal.')
param sqlAdminObjectId string = ''

@minLength(1)
@description('Display name of that admin (SQL_ADMIN_LOGIN).')
param sqlAdminLogin string = 'diviora-sql-admin'

@allowed(['User', 'Group', 'Application'])
@description('What the SQL admin is (AZURE_PRINCIPAL_TYPE): User, Group or Application (a service principal in CI).')
param sqlAdminPrincipalType string = 'User'

@description('Public address of the machine that runs the postprovision hook (DEPLOYER_IP_ADDRESS); empty: no firewall rule.')
param deployerIpAddress string = ''

@minLength(1)
@description('Entra External ID authority, https://<subdomain>.ciamlogin.com/<tenant id>/v2.0 (DIVIORA_IDENTITY_AUTHORITY).')
param identityAuthority string

@minLength(1)
@description('The audience of the Api\'s tokens: the Api registration\'s client id (DIVIORA_API_AUDIENCE).')
param apiAudience string

@minLength(1)
@description('The Web registration\'s client id (DIVIORA_WEB_CLIENT_ID).')
param webClientId string

@minLength(1)
@description('The Api scope the Web asks for, api://<api>/access_as_user (DIVIORA_API_SCOPE).')
param apiScope string

@secure()
@description('The Web registration\'s client secret (DIVIORA_WEB_CLIENT_SECRET): stored in Key Vault, referenced by the Web.')
param webClientSecret string = ''

@description('Deploy Cosmos DB for the document sink (DIVIORA_DEPLOY_COSMOS).')
param deployCosmos bool = true

@description('Mail address for alerts (DIVIORA_ALERT_EMAIL); empty: alerts fire without a notification.')
param alertEmail string = ''

@minValue(0)
@description('Api replicas kept running (DIVIORA_API_MIN_REPLICAS); 0 lets it scale to zero at the cost of a cold start.')
param apiMinReplicas int = 1

@minValue(0)
@description('Web replicas kept running (DIVIORA_WEB_MIN_REPLICAS).')
param webMinReplicas int = 1

@minValue(1)
@description('The most Worker replicas KEDA starts (DIVIORA_WORKER_MAX_REPLICAS).')
param workerMaxReplicas int = 5

@description('Images azd deploys (SERVICE_<NAME>_IMAGE_NAME); empty on the first provision.')
param apiImageName string = ''
param workerImageName string = ''
param webImageName string = ''

// Names the code uses: the ingestion queue and its deliveries (QueueOptions), the blob containers (the stores'
// ContainerName constants) and the Cosmos database and container (CosmosDocumentStore). Tests compare them.
var ingestionQueueName = 'ingestion'
var maxDeliveries = 5
var blobEventsQueueName = 'blob-events'
var incomingContainerName = 'incoming'
var blobContainerNames = ['raw', 'rejects', 'incoming', 'secrets', 'dataprotection-keys']
var sqlDatabaseName = 'diviora'
var cosmosDatabaseName = 'diviora'
var cosmosContainerName = 'documents'
var cosmosPartitionKeyPath = '/dataset'

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
// Names known before deployment, so modules that use them in resource ids keep What-If precise.
var identityName = 'id-diviora-${token}'
var appInsightsName = 'appi-${token}'
var storageAccountName = 'st${token}'
var serviceBusName = 'sb-${token}'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: { 'azd-env-name': environmentName }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${token}'
    appInsightsName: appInsightsName
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: identityName
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  dependsOn: [identity]
  params: {
    location: location
    tags: tags
    name: 'cr${token}'
    appIdentityName: identityName
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  dependsOn: [identity]
  params: {
    location: location
    tags: tags
    name: storageAccountName
    appIdentityName: identityName
    containerNames: blobContainerNames
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  dependsOn: [identity]
  params: {
    location: location
    tags: tags
    name: serviceBusName
    appIdentityName: identityName
    ingestionQueueName: ingestionQueueName
    maxDeliveries: maxDeliveries
    blobEventsQueueName: blobEventsQueueName
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  dependsOn: [storage, serviceBus]
  params: {
    location: location
    tags: tags
    name: 'evgt-${token}'
    storageAccountName: storageAccountName
    serviceBusName: serviceBusName
    blobEventsQueueName: blobEventsQueueName
    incomingContainerName: incomingContainerName
  }
}

module sql 'modules/sql.bicep' = {
  name: 'sql'
  scope: rg
  params: {
    location: location
    tags: tags
    serverName: 'sql-${token}'
    databaseName: sqlDatabaseName
    adminObjectId: empty(sqlAdminObjectId) ? principalId : sqlAdminObjectId
    adminLogin: sqlAdminLogin
    adminPrincipalType: sqlAdminPrincipalType
    clientIpAddress: deployerIpAddress
  }
}

module cosmos 'modules/cosmos.bicep' = if (deployCosmos) {
  name: 'cosmos'
  scope: rg
  dependsOn: [identity]
  params: {
    location: location
    tags: tags
    name: 'cosmos-${token}'
    appIdentityName: identityName
    databaseName: cosmosDatabaseName
    containerName: cosmosContainerName
    partitionKeyPath: cosmosPartitionKeyPath
  }
}

var webClientSecretName = 'web-client-secret'

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  dependsOn: [identity]
  params: {
    location: location
    tags: tags
    name: 'kv-${token}'
    appIdentityName: identityName
    webClientSecret: webClientSecret
    webClientSecretName: webClientSecretName
  }
}

module apps 'modules/apps.bicep' = {
  name: 'apps'
  scope: rg
  params: {
    location: location
    tags: tags
    environmentName: 'cae-${token}'
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    appInsightsName: appInsightsName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryLoginServer: registry.outputs.loginServer
    apiImage: apiImageName
    workerImage: workerImageName
    webImage: webImageName
    storageBlobEndpoint: storage.outputs.blobEndpoint
    serviceBusEndpoint: serviceBus.outputs.endpoint
    ingestionQueueName: ingestionQueueName
    blobEventsQueueName: blobEventsQueueName
    serviceBusName: serviceBus.outputs.name
    sqlServerFqdn: sql.outputs.fullyQualifiedDomainName
    sqlDatabaseName: sql.outputs.databaseName
    documentsEndpoint: deployCosmos ? cosmos!.outputs.endpoint : ''
    keyVaultUri: keyVault.outputs.uri
    identityAuthority: identityAuthority
    apiAudience: apiAudience
    webClientId: webClientId
    apiScope: apiScope
    webClientSecretName: webClientSecretName
    hasWebClientSecret: !empty(webClientSecret)
    apiMinReplicas: apiMinReplicas
    webMinReplicas: webMinReplicas
    workerMaxReplicas: workerMaxReplicas
  }
}

module observability 'modules/observability.bicep' = {
  name: 'observability'
  scope: rg
  params: {
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    serviceBusId: serviceBus.outputs.id
    alertEmail: alertEmail
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = apps.outputs.environmentId
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = apps.outputs.environmentName
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = apps.outputs.defaultDomain
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output MANAGED_IDENTITY_NAME string = identity.outputs.name
output AZURE_SQL_SERVER_FQDN string = sql.outputs.fullyQualifiedDomainName
output AZURE_SQL_DATABASE_NAME string = sql.outputs.databaseName
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output SERVICE_API_URI string = apps.outputs.apiUri
output SERVICE_WEB_URI string = apps.outputs.webUri
