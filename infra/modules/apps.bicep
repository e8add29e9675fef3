// The Container Apps environment and the three services. Every setting is an environment variable or the managed
// identity; the only secret (the Web's client secret) is a Key Vault reference.
param location string
param tags object
param environmentName string
param logAnalyticsWorkspaceId string
param appInsightsName string
param identityId string
param identityClientId string
param registryLoginServer string
param apiImage string
param workerImage string
param webImage string
param storageBlobEndpoint string
param serviceBusEndpoint string
param ingestionQueueName string
param blobEventsQueueName string
param serviceBusName string
param sqlServerFqdn string
param sqlDatabaseName string
param documentsEndpoint string
param keyVaultUri string
param identityAuthority string
param apiAudience string
param webClientId string
param apiScope string
param webClientSecretName string
param hasWebClientSecret bool
param apiMinReplicas int
param webMinReplicas int
param workerMaxReplicas int

// Until azd deploys the real images, a public placeholder lets the apps be created.
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart:latest'
var targetPort = 8080

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Logs go to Azure Monitor (diagnostic settings below), so no workspace key is handed to the environment.
resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: { destination: 'azure-monitor' }
    workloadProfiles: [{ name: 'Consumption', workloadProfileType: 'Consumption' }]
  }
}

// The newest API version of diagnostic settings on a resource is this preview; the linter's GA pick (2016-09-01) is a
// different shape (no workspace, no category groups).
#disable-next-line use-recent-api-versions
resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: environment
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

var apiFqdn = 'api.${environment.properties.defaultDomain}'
var webFqdn = 'web.${environment.properties.defaultDomain}'

var common = [
  { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
  // Behind the environment's TLS-terminating ingress: honour X-Forwarded-Proto so redirects and sign-in use https.
  { name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED', value: 'true' }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'ConnectionStrings__storage', value: storageBlobEndpoint }
  { name: 'ConnectionStrings__messaging', value: serviceBusEndpoint }
  { name: 'Diviora__Queue__Name', value: ingestionQueueName }
  {
    name: 'ConnectionStrings__warehouse'
    value: 'Server=tcp:${sqlServerFqdn},1433;Initial Catalog=${sqlDatabaseName};Authentication=Active Directory Default;User Id=${identityClientId};Encrypt=True'
  }
  { name: 'Diviora__Secrets__KeyVaultUri', value: keyVaultUri }
]
var documents = empty(documentsEndpoint) ? [] : [{ name: 'ConnectionStrings__documents', value: documentsEndpoint }]


resource api 'Microsoft.App/containerApps@2025-07-01' = {
  name: 'api'
  location: location
  tags: { 'azd-env-name': tags['azd-env-name'], 'azd-service-name': 'api' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: targetPort
        transport: 'auto'
        allowInsecure: false
      }
      registries: [{ server: registryLoginServer, identity: identityId }]
    }
    template: {
      containers: [
        {
          name: 'api'
          image: empty(apiImage) ? placeholderImage : apiImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat(common, documents, [
            { name: 'AllowedHosts', value: apiFqdn }
            { name: 'Diviora__Identity__Authority', value: identityAuthority }
            { name: 'Diviora__Identity__Audience', value: apiAudience }
          ])
        }
      ]
      scale: { minReplicas: apiMinReplicas, maxReplicas: 3 }
    }
  }
}

resource worker 'Microsoft.App/containerApps@2025-07-01' = {
  name: 'worker'
  location: location
  tags: { 'azd-env-name': tags['azd-env-name'], 'azd-service-name': 'worker' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      registries: [{ server: registryLoginServer, identity: identityId }]
    }
    template: {
      containers: [
        {
          name: 'worker'
          image: empty(workerImage) ? placeholderImage : workerImage
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: concat(common, documents, [
            { name: 'Diviora__Dropzone__EventsQueue', value: blobEventsQueueName }
          ])
        }
      ]
      // Zero replicas when both queues are empty; KEDA reads their length with the managed identity.
      scale: {
        minReplicas: 0
        maxReplicas: workerMaxReplicas
        rules: [
          {
            name: 'ingestion-queue'
            custom: {
              type: 'azure-servicebus'
              identity: identityId
              metadata: {
                namespace: serviceBusName
                queueName: ingestionQueueName
                messageCount: '5'
              }
            }
          }
          {
            name: 'blob-events-queue'
            custom: {
              type: 'azure-servicebus'
              identity: identityId
              metadata: {
                namespace: serviceBusName
                queueName: blobEventsQueueName
                messageCount: '20'
              }
            }
          }
        ]
      }
    }
  }
}

var webSecretRef = 'web-client-secret'

resource web 'Microsoft.App/containerApps@2025-07-01' = {
  name: 'web'
  location: location
  tags: { 'azd-env-name': tags['azd-env-name'], 'azd-service-name': 'web' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: targetPort
        transport: 'auto'
        allowInsecure: false
        // Blazor Server keeps a circuit per browser: one replica must keep serving it.
        stickySessions: { affinity: 'sticky' }
      }
      registries: [{ server: registryLoginServer, identity: identityId }]
      secrets: hasWebClientSecret ? [
        {
          name: webSecretRef
          keyVaultUrl: '${keyVaultUri}secrets/${webClientSecretName}'
          identity: identityId
        }
      ] : []
    }
    template: {
      containers: [
        {
          name: 'web'
          image: empty(webImage) ? placeholderImage : webImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat([
            { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
            { name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED', value: 'true' }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
            { name: 'AllowedHosts', value: webFqdn }
            { name: 'services__api__https__0', value: 'https://${apiFqdn}' }
            { name: 'Diviora__Identity__Authority', value: identityAuthority }
            { name: 'Diviora__Identity__ClientId', value: webClientId }
            { name: 'Diviora__Identity__ApiScope', value: apiScope }
          ], hasWebClientSecret ? [{ name: 'Diviora__Identity__ClientSecret', secretRef: webSecretRef }] : [])
        }
      ]
      scale: { minReplicas: webMinReplicas, maxReplicas: 3 }
    }
  }
}

output environmentId string = environment.id
output environmentName string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output apiUri string = 'https://${api.properties.configuration.ingress.fqdn}'
output webUri string = 'https://${web.properties.configuration.ingress.fqdn}'
