// Service Bus with Entra auth only: the ingestion queue (dead-letter after the code's MaxDeliveries) and the queue
// Event Grid delivers BlobCreated events of the drop zone to.
param location string
param tags object
param name string
param appIdentityName string
param ingestionQueueName string
param maxDeliveries int
param blobEventsQueueName string


resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

var dataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'
var dataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var dataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
// Sender and receiver for the apps; owner because KEDA's azure-servicebus scaler reads the queue's length.
var appRoles = [dataSender, dataReceiver, dataOwner]

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource ingestion 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: ingestionQueueName
  properties: {
    maxDeliveryCount: maxDeliveries
    // The lease of a run's message: the Worker's processor renews it while the run works, so a replica that stops
    // (scaled in, out of memory, node lost) has its run taken over by another within about a minute.
    lockDuration: 'PT1M'
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
  }
}

resource blobEvents 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: blobEventsQueueName
  properties: {
    maxDeliveryCount: maxDeliveries
    lockDuration: 'PT1M'
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
  }
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in appRoles: {
  name: guid(namespace.id, appIdentityName, role)
  scope: namespace
  properties: {
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

output id string = namespace.id
output name string = namespace.name
output endpoint string = namespace.properties.serviceBusEndpoint
output ingestionQueueName string = ingestion.name
output blobEventsQueueName string = blobEvents.name
