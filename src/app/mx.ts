/**
 * Where a tenant's MX points: Microsoft 365 or a named gateway in front of it. DNS first (the
 * default accepted domain's MX, with a short time-out), then the inbound connectors (an enabled
 * Partner connector restricted to a gateway's IPs), and the caller may override both.
 */
import { Resolver } from 'node:dns/promises'
import type { InboundConnector } from '../core/model/inbound-connector.js'
import type { MxRouting } from '../core/model/snapshot.js'

/** Microsoft 365's MX host suffix. */
const MICROSOFT_MX = /\.mail\.protection\.outlook\.(com|de|cn)$|\.mx\.microsoft$/i

/** Gateways whose MX hosts do not carry their name. */
const KNOWN_GATEWAY_HOSTS: [RegExp, string][] = [
  [/pphosted\.com$/i, 'Proofpoint'],
  [/ppe-hosted\.com$/i, 'Proofpoint Essentials'],
  [/barracudanetworks\.com$/i, 'Barracuda'],
  [/messagelabs\.com$/i, 'Symantec Email Security'],
  [/iphmx\.com$/i, 'Cisco Secure Email'],
]

/** Names of gateway-mx vendors of the catalog: `{ id, name }`. */
export interface GatewayName {
  id: string
  name: string
}

/** The gateway an MX host belongs to, from the catalog's names or the known hosts; else null. */
export function gatewayOfHost(host: string, gateways: readonly GatewayName[]): string | null {
  const h = host.toLowerCase()
  for (const g of gateways) if (h.includes(g.id.toLowerCase())) return g.name
  for (const [re, name] of KNOWN_GATEWAY_HOSTS) if (re.test(h)) return name
  return null
}

/** Routing from MX hosts (null when they say nothing useful). */
export function routingFromHosts(
  hosts: readonly string[],
  gateways: readonly GatewayName[],
  connectors: readonly InboundConnector[],
): MxRouting | null {
  if (!hosts.length) return null
  if (hosts.every((h) => MICROSOFT_MX.test(h))) return { route: 'microsoft', hosts: [...hosts] }
  const named = hosts.map((h) => gatewayOfHost(h, gateways)).find((g) => g !== null)
  const fromConnector = routingFromConnectors(connectors, gateways)
  const gateway =
    named ?? (fromConnector?.route === 'gateway' ? fromConnector.gateway : null) ?? hosts[0]!
  return {
    route: 'gateway',
    gateway,
    hosts: [...hosts],
    ips: fromConnector?.route === 'gateway' ? fromConnector.ips : [],
  }
}

/**
 * Routing from the inbound connectors: an enabled Partner connector that accepts mail only from
 * listed IPs stands for a gateway, named after the catalog vendor its name mentions (or its own
 * name). Null when no connector says so.
 */
export function routingFromConnectors(
  connectors: readonly InboundConnector[],
  gateways: readonly GatewayName[],
): MxRouting | null {
  const c = connectors.find(
    (x) =>
      x.Enabled &&
      x.ConnectorType === 'Partner' &&
      x.RestrictDomainsToIPAddresses &&
      x.SenderIPAddresses.length > 0,
  )
  if (!c) return null
  const text = `${c.Name} ${c.Comment ?? ''}`.toLowerCase()
  const g = gateways.find(
    (x) => text.includes(x.id.toLowerCase()) || text.includes(x.name.toLowerCase()),
  )
  return { route: 'gateway', gateway: g?.name ?? c.Name, hosts: [], ips: [...c.SenderIPAddresses] }
}

/** The MX hosts of a domain, by preference; [] when DNS does not answer in time. */
export async function lookupMx(domain: string, timeoutMs = 1500): Promise<string[]> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 })
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('timeout')), timeoutMs).unref(),
  )
  try {
    const mx = await Promise.race([resolver.resolveMx(domain), timer])
    return mx.sort((a, b) => a.priority - b.priority).map((m) => m.exchange.toLowerCase())
  } catch {
    return []
  } finally {
    resolver.cancel()
  }
}

export { mxCertainty, type MxLookup, type MxSource } from './mx-words.js'
