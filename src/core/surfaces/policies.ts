import type { Change, JsonObject } from '../change.js'
import type { CmdletCall } from '../cmdlet.js'
import type { AntiPhishPolicy } from '../model/anti-phish.js'
import type { AntiSpamPolicy } from '../model/anti-spam.js'
import type { ConnectionFilterPolicy } from '../model/connection-filter.js'
import type { InboundConnector } from '../model/inbound-connector.js'
import type { QuarantinePolicy } from '../model/quarantine-policy.js'
import type { SafeLinksPolicy } from '../model/safe-links.js'
import type { SurfaceState } from '../model/snapshot.js'
import { updateParams } from './list-params.js'
import { identityOf, str, type Surface } from './surface.js'

/** A surface of named policies that passage only updates (never creates or removes). */
function updateOnly(
  kind: Surface['kind'],
  title: string,
  setCmdlet: string,
  getCmdlet: string,
  mdoOnly: boolean,
  objects: (s: SurfaceState) => JsonObject[],
  withObjects: (s: SurfaceState, o: JsonObject[]) => SurfaceState,
): Surface {
  return {
    kind,
    title,
    mdoOnly,
    reads: [{ cmdlet: getCmdlet, params: {} }],
    objects,
    withObjects,
    key: (o) => str(o, 'Name').toLowerCase(),
    ordered: false,
    calls(change: Change): CmdletCall[] {
      if (change.op !== 'update')
        throw new Error(`${title}: passage only updates existing policies`)
      return [
        { cmdlet: setCmdlet, params: { Identity: identityOf(change), ...updateParams(change) } },
      ]
    },
  }
}

/** The connection filter policy (IP Allow/Block List), reference §3.2. */
export const connectionFilterSurface = updateOnly(
  'connection-filter',
  'Connection filter policy',
  'Set-HostedConnectionFilterPolicy',
  'Get-HostedConnectionFilterPolicy',
  false,
  (s) => [s.connectionFilter as unknown as JsonObject],
  (s, o) => ({
    ...s,
    connectionFilter: (o[0] ?? s.connectionFilter) as unknown as ConnectionFilterPolicy,
  }),
)

/** Anti-spam policies, reference §3.3. */
export const antiSpamSurface = updateOnly(
  'anti-spam',
  'Anti-spam policy',
  'Set-HostedContentFilterPolicy',
  'Get-HostedContentFilterPolicy',
  false,
  (s) => s.antiSpam.policies as unknown as JsonObject[],
  (s, o) => ({ ...s, antiSpam: { ...s.antiSpam, policies: o as unknown as AntiSpamPolicy[] } }),
)

/** Anti-phishing policies, reference §3.7. */
export const antiPhishSurface = updateOnly(
  'anti-phish',
  'Anti-phishing policy',
  'Set-AntiPhishPolicy',
  'Get-AntiPhishPolicy',
  false,
  (s) => s.antiPhish.policies as unknown as JsonObject[],
  (s, o) => ({ ...s, antiPhish: { ...s.antiPhish, policies: o as unknown as AntiPhishPolicy[] } }),
)

/** Safe Links policies (Defender only), reference §3.5. */
export const safeLinksSurface = updateOnly(
  'safe-links',
  'Safe Links policy',
  'Set-SafeLinksPolicy',
  'Get-SafeLinksPolicy',
  true,
  (s) => (s.safeLinks?.policies ?? []) as unknown as JsonObject[],
  (s, o) =>
    s.safeLinks
      ? { ...s, safeLinks: { ...s.safeLinks, policies: o as unknown as SafeLinksPolicy[] } }
      : s,
)

/** Inbound connectors (Enhanced Filtering), reference §3.11. */
export const inboundConnectorSurface = updateOnly(
  'inbound-connector',
  'Inbound connector',
  'Set-InboundConnector',
  'Get-InboundConnector',
  false,
  (s) => s.inboundConnectors as unknown as JsonObject[],
  (s, o) => ({ ...s, inboundConnectors: o as unknown as InboundConnector[] }),
)

/** Quarantine policies: passage creates its own and updates or removes only those. */
export const quarantinePolicySurface: Surface = {
  kind: 'quarantine-policy',
  title: 'Quarantine policy',
  mdoOnly: false,
  reads: [{ cmdlet: 'Get-QuarantinePolicy', params: {} }],
  objects: (s) => s.quarantinePolicies as unknown as JsonObject[],
  withObjects: (s, o) => ({ ...s, quarantinePolicies: o as unknown as QuarantinePolicy[] }),
  key: (o) => str(o, 'Name').toLowerCase(),
  ordered: false,
  calls(change) {
    const o = change.after ?? {}
    if (change.op === 'create')
      return [
        {
          cmdlet: 'New-QuarantinePolicy',
          params: {
            Name: str(o, 'Name'),
            EndUserQuarantinePermissionsValue:
              typeof o.EndUserQuarantinePermissionsValue === 'number'
                ? o.EndUserQuarantinePermissionsValue
                : 0,
            ESNEnabled: o.ESNEnabled === true,
            ...(str(o, 'AdminDisplayName') ? { AdminDisplayName: str(o, 'AdminDisplayName') } : {}),
          },
        },
      ]
    if (change.op === 'remove')
      return [{ cmdlet: 'Remove-QuarantinePolicy', params: { Identity: identityOf(change) } }]
    return [
      {
        cmdlet: 'Set-QuarantinePolicy',
        params: { Identity: identityOf(change), ...updateParams(change) },
      },
    ]
  },
}
