import type { TenantSnapshot, TenantSnapshotInput } from '../model/snapshot.js'
import { makeSnapshot, NOW, type SnapshotOptions } from '../model/test-fixtures.js'
import type { PlanContext } from '../mechanisms/context.js'
import type { TransportRuleInput } from '../model/transport-rule.js'
import { VendorProfile, type VendorProfileInput } from '../vendor/profile.js'
import { resolveVendor, type ResolvedVendor } from '../vendor/resolve.js'

/** The fixed "now" and the snapshot builder shared by core tests. */
export { NOW, makeSnapshot }

/** A Defender P1 variant of makeSnapshot with a custom Safe Links policy in force. */
export function makeDefenderSnapshot(
  over: Partial<TenantSnapshotInput> & { rules?: TransportRuleInput[] } = {},
): TenantSnapshot {
  return makeSnapshot({
    licence: 'mdo-p1',
    ...over,
    state: {
      safeLinks: {
        policies: [
          { Name: 'Built-In Protection Policy', IsBuiltInProtection: true },
          { Name: 'Fabrikam Safe Links' },
        ],
        rules: [
          {
            Name: 'Fabrikam Safe Links',
            SafeLinksPolicy: 'Fabrikam Safe Links',
            Priority: 0,
            RecipientDomainIs: ['fabrikam.com'],
          },
        ],
      },
      safeAttachments: {
        policies: [{ Name: 'Built-In Protection Policy', IsBuiltInProtection: true, Enable: true }],
      },
      ...(over.state ?? {}),
    },
  })
}

/** Ordinary rules with contiguous priorities, with a relay rule at `relayAt`. */
export function rulesWithRelay(count: number, relayAt: number): TransportRuleInput[] {
  return Array.from({ length: count }, (_, i) =>
    i === relayAt
      ? {
          Name: 'Trustifi Inbound Relay',
          Priority: i,
          FromScope: 'NotInOrganization',
          Unmodelled: ['RouteMessageOutboundConnector'],
        }
      : { Name: `Org rule ${i}`, Priority: i, Unmodelled: ['ApplyHtmlDisclaimerText'] },
  )
}

/** A Trustifi-like relay profile (the catalog's real one is tested against it elsewhere). */
export const RELAY: VendorProfileInput = {
  id: 'relay',
  name: 'Trustifi',
  category: 'inbound-relay',
  summary: 'test relay',
  asOf: '2026-08-01',
  sources: [{ title: 'seed' }],
  sending: { ips: ['3.93.243.176', '3.93.139.220', '54.195.145.1', '3.251.32.127'] },
  recommended: ['anti-spam', 'clutter'],
  recipe: {
    'anti-spam': 'scoped-rule',
    clutter: 'bypass-clutter-header',
    zap: 'disable-zap',
    spoof: 'tabl-spoof-allow',
  },
  ruleName: 'Trustifi Inbound Bypass Clutter',
  relayRulePatterns: ['trustifi'],
}

/** A phishing-simulation profile with a domain parameter. */
export const SIMULATOR: VendorProfileInput = {
  id: 'sim',
  name: 'Simulator',
  category: 'phishing-simulation',
  summary: 'test simulator',
  asOf: '2026-08-01',
  sources: [{ title: 'test' }],
  params: [
    {
      key: 'simulationDomains',
      label: 'Simulation domains',
      description: 'MAIL FROM domains',
      type: 'domain-list',
    },
  ],
  sending: {
    ips: ['23.21.109.197', '147.160.167.0/26'],
    envelopeDomains: ['${simulationDomains}'],
  },
  recommended: ['advanced-delivery'],
  recipe: { 'anti-spam': 'ip-allow', clutter: 'bypass-clutter-header' },
  headers: ['X-PHISHTEST'],
}

/** An internal-comms profile that sends as the customer's domain from a dedicated IP. */
export const COMMS: VendorProfileInput = {
  id: 'comms',
  name: 'Comms',
  category: 'internal-comms',
  summary: 'test comms',
  asOf: '2026-08-01',
  sources: [{ title: 'test' }],
  params: [{ key: 'dedicatedIp', label: 'Dedicated IP', description: 'the IP', type: 'ipv4' }],
  sending: { ips: ['${dedicatedIp}'], linkDomains: ['contactmonkey.com'] },
  recommended: ['anti-spam', 'safe-links', 'quarantine', 'tabl', 'clutter'],
  recipe: {
    'anti-spam': 'ip-allow',
    'safe-links': 'do-not-rewrite',
    quarantine: 'quarantine-release',
    zap: 'disable-zap',
    bulk: 'bulk-threshold',
  },
}

/** Parses and resolves a test profile. */
export function vendor(
  input: VendorProfileInput,
  params: Record<string, string> = {},
): ResolvedVendor {
  return resolveVendor(VendorProfile.parse(input), params)
}

/**
 * A plan context for a mechanism's unit tests: the test vendor "Acme" (COMMS with no parameters,
 * marketing, no sending IPs unless given), `over` laid on its profile, on a snapshot of `snapshot`.
 */
export function acmeContext(
  over: Partial<VendorProfileInput> = {},
  snapshot: SnapshotOptions = {},
  mode: PlanContext['mode'] = 'recommended',
): PlanContext {
  return {
    snapshot: makeSnapshot(snapshot),
    vendor: vendor({
      ...COMMS,
      name: 'Acme',
      category: 'marketing',
      params: [],
      ...over,
      sending: { ips: [], ...over.sending },
    }),
    now: NOW,
    mode,
  }
}
