// Azure SQL for the warehouse and catalog: Entra-only authentication, a serverless database that pauses when idle.
// The apps' database user is created after deployment by infra/scripts/postprovision.sh (Bicep cannot run T-SQL).
param location string
param tags object
param serverName string
param databaseName string
@description('Object id of the Entra admin (the deploying principal, or a group).')
param adminObjectId string
@description('Display name of the Entra admin.')
param adminLogin string
@allowed(['User', 'Group', 'Application'])
param adminPrincipalType string
@description('Optional public address of the machine that runs the postprovision hook (empty: no rule).')
param clientIpAddress string

resource server 'Microsoft.Sql/servers@2025-01-01' = {
  name: serverName
  location: location
  tags: tags
  properties: {
    minimalTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: adminLogin
      sid: adminObjectId
      principalType: adminPrincipalType
      tenantId: tenant().tenantId
    }
  }
}

resource database 'Microsoft.Sql/servers/databases@2025-01-01' = {
  parent: server
  name: databaseName
  location: location
  tags: tags
  sku: {
    name: 'GP_S_Gen5'
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: 2
  }
  properties: {
    autoPauseDelay: 60
    minCapacity: json('0.5')
    maxSizeBytes: 34359738368
    zoneRedundant: false
    requestedBackupStorageRedundancy: 'Local'
  }
}

// 0.0.0.0 is Azure's "allow Azure services" rule: the Container Apps environment has no fixed outbound address.
resource azureServices 'Microsoft.Sql/servers/firewallRules@2025-01-01' = {
  parent: server
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource client 'Microsoft.Sql/servers/firewallRules@2025-01-01' = if (!empty(clientIpAddress)) {
  parent: server
  name: 'deployer'
  properties: {
    startIpAddress: clientIpAddress
    endIpAddress: clientIpAddress
  }
}

output serverName string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
