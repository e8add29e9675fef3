// Pipeline and queue tracking in Azure Monitor: alert rules on failed runs and dead-lettered messages, and a workbook
// with runs, rows, failures and queue depth over time. The KQL is also in docs/operations.md; the metric names are the
// services' OpenTelemetry instruments, which land in customMetrics with name = the instrument name.
param location string
param tags object
param appInsightsId string
param serviceBusId string
@description('Where alerts are mailed; empty: the alert rules fire without notifying anyone.')
param alertEmail string

var runsEnded = 'customMetrics | where name == "diviora.ingestion.runs_ended" | extend status = tostring(customDimensions["diviora.run.status"])'

var queries = {
  runs: '${runsEnded} | summarize runs = sum(valueSum) by bin(timestamp, 1h), status | render timechart'
  rows: 'customMetrics | where name == "diviora.ingestion.rows_loaded" | summarize rows = sum(valueSum) by bin(timestamp, 1h) | render timechart'
  failures: '${runsEnded} | where status == "Failed" | summarize failed = sum(valueSum) by bin(timestamp, 1h) | render timechart'
  queueDepth: 'customMetrics | where name in ("diviora.queue.depth", "diviora.queue.dead_letters") | summarize value = max(valueMax) by bin(timestamp, 5m), name | render timechart'
  oldestAge: 'customMetrics | where name == "diviora.queue.oldest_age" | summarize seconds = max(valueMax) by bin(timestamp, 5m) | render timechart'
  runDuration: 'customMetrics | where name == "diviora.ingestion.run_duration" | summarize p50 = percentile(valueSum / valueCount, 50), worst = max(valueMax) by bin(timestamp, 1h) | render timechart'
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-diviora'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'diviora'
    enabled: true
    emailReceivers: [{ name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

var actions = empty(alertEmail) ? [] : [actionGroup.id]

resource failedRuns 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'diviora-failed-runs'
  location: location
  tags: tags
  properties: {
    displayName: 'Diviora: ingestion runs failed'
    description: 'At least one ingestion run ended Failed in the last 15 minutes (metric diviora.ingestion.runs_ended, status Failed).'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '${runsEnded} | where status == "Failed" | summarize failed = sum(valueSum)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'failed'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: actions }
  }
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: 'diviora-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages are in a Service Bus dead-letter queue (ingestion or blob-events): a run failed past its deliveries or an event could not be taken.'
    severity: 2
    enabled: true
    scopes: [serviceBusId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [{ name: 'EntityName', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [for id in actions: { actionGroupId: id }]
  }
}

func tile(title string, query string, index int) object => {
  type: 3
  name: 'tile-${index}'
  content: {
    version: 'KqlItem/1.0'
    title: title
    query: query
    size: 0
    timeContext: { durationMs: 86400000 }
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: 'timechart'
  }
}

var workbook = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'intro'
      content: { json: '## Diviora pipeline\nRuns, rows, failures and queues over the last 24 hours, from the services\' diviora.* metrics.' }
    }
    tile('Runs by status', queries.runs, 1)
    tile('Rows loaded', queries.rows, 2)
    tile('Failed runs', queries.failures, 3)
    tile('Queue depth and dead letters', queries.queueDepth, 4)
    tile('Oldest message age (s)', queries.oldestAge, 5)
    tile('Run duration (s)', queries.runDuration, 6)
  ]
  isLocked: false
}

resource pipelineWorkbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'diviora-pipeline-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Diviora pipeline'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: string(workbook)
  }
}
