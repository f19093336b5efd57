import type { JsonObject } from '../change.js'
import type { InboundConnector } from '../model/inbound-connector.js'
import { updateOnlyPolicy } from './policy-surface.js'

/** Inbound connectors (Enhanced Filtering for Connectors), reference §3.11. */
export const inboundConnectorSurface = updateOnlyPolicy({
  kind: 'inbound-connector',
  title: 'Inbound connector',
  setCmdlet: 'Set-InboundConnector',
  mdoOnly: false,
  reads: [{ name: 'inboundConnectors', call: { cmdlet: 'Get-InboundConnector', params: {} } }],
  load: (got) => ({ inboundConnectors: got('inboundConnectors') }),
  objects: (s) => s.inboundConnectors as unknown as JsonObject[],
  withObjects: (s, o) => ({ ...s, inboundConnectors: o as unknown as InboundConnector[] }),
  fields: ['EFSkipLastIP', 'EFSkipIPs', 'EFUsers', 'EFTestMode'],
})
