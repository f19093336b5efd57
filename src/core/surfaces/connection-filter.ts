import type { JsonObject } from '../change.js'
import type { ConnectionFilterPolicy } from '../model/connection-filter.js'
import { updateOnlyPolicy } from './policy-surface.js'

/** The connection filter policy (IP Allow/Block List, safe list), reference §3.2. */
export const connectionFilterSurface = updateOnlyPolicy({
  kind: 'connection-filter',
  title: 'Connection filter policy',
  setCmdlet: 'Set-HostedConnectionFilterPolicy',
  mdoOnly: false,
  reads: [
    { name: 'connectionFilter', call: { cmdlet: 'Get-HostedConnectionFilterPolicy', params: {} } },
  ],
  load: (got) => ({ connectionFilter: got('connectionFilter')[0] ?? {} }),
  objects: (s) => [s.connectionFilter as unknown as JsonObject],
  withObjects: (s, o) => ({
    ...s,
    connectionFilter: (o[0] ?? s.connectionFilter) as unknown as ConnectionFilterPolicy,
  }),
  fields: ['IPAllowList', 'EnableSafeList'],
})
