// Key Vault for source secrets (the Api writes them) and the Web's client secret: RBAC, soft delete, purge protection.
param location string
param tags object
param name string
param appIdentityName string
@secure()
@description('The Web\'s client secret; stored here and referenced by the Web app, never written into the app itself.')
param webClientSecret string
param webClientSecretName string


resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
// The Api's PUT /api/secrets sets secrets, which Secrets User cannot.
var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [secretsUser, secretsOfficer]: {
  name: guid(vault.id, appIdentityName, role)
  scope: vault
  properties: {
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource webSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(webClientSecret)) {
  parent: vault
  name: webClientSecretName
  properties: {
    value: webClientSecret
    contentType: 'Entra client secret of the Web'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
