import { enhancedFilteringOn, type InboundConnector } from '../model/inbound-connector.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { ipMatchesAny, parseIpEntry } from '../net/ip.js'
import type { TestMessage } from './message.js'
import { Trace, obj } from './trace.js'

/** How the message reached Exchange: the source Exchange sees, and whether it is the true one. */
export interface Routing {
  /** The IP Exchange treats as the sender (CIP): the connecting IP, or EF's source. */
  cip: string
  /** The original internet source of the message. */
  trueSource: string
  /**
   * The IP of the last hop before Exchange Online (the server that connected to it): what mail flow
   * rule IP conditions see, whatever Enhanced Filtering finds (ms-rule: eval.rule.sender-ip-last-hop).
   */
  lastHop: string
  /** MX is not Microsoft 365 ("complex routing"). */
  complexRouting: boolean
  /** Enhanced Filtering found the source for this message. */
  enhancedFiltering: boolean
  /** The connector the gateway's mail arrives on, if one was identified. */
  connector: InboundConnector | null
  /** True when Exchange sees the true source (MX at Microsoft, or EF). */
  trueSourceVisible: boolean
  trace: Trace
}

/**
 * One address standing for a gateway IP entry: the address itself, or the first host of a CIDR
 * block or range (snapshots may list the gateway's egress IPs as blocks).
 */
export function representativeIp(entry: string): string | null {
  const e = parseIpEntry(entry)
  if (!e) return null
  if (e.form === 'address') return e.text
  if (e.family !== 'ipv4') return null
  const n = e.size > 2 ? e.first + 1 : e.first
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

/** The inbound connector that carries mail from the gateway's IP (by IP, name, or the only one). */
export function gatewayConnector(
  snapshot: TenantSnapshot,
  lastHop: string | null,
): InboundConnector | null {
  const mx = snapshot.mx
  const enabled = snapshot.state.inboundConnectors.filter((c) => c.Enabled)
  if (lastHop) {
    const byIp = enabled.find((c) => ipMatchesAny(lastHop, c.SenderIPAddresses))
    if (byIp) return byIp
  }
  const partners = enabled.filter((c) => c.ConnectorType === 'Partner')
  if (mx.route === 'gateway') {
    const byName = partners.find((c) => c.Name.toLowerCase().includes(mx.gateway.toLowerCase()))
    if (byName) return byName
  }
  return partners.length === 1 ? (partners[0] ?? null) : null
}

/**
 * Works out the source IP Exchange sees. With MX at Microsoft it is the connecting IP. Behind a
 * gateway it is the gateway's (the last hop) unless an Enhanced Filtering connector skips hops:
 * then it is the first hop not skipped (reference §3.11). EF with EFUsers applies only when every
 * recipient is listed.
 */
export function resolveRouting(snapshot: TenantSnapshot, message: TestMessage): Routing {
  const trace = new Trace()
  const mx = snapshot.mx
  if (mx.route === 'microsoft') {
    trace.step(
      'routing',
      `MX points to Microsoft 365: the connecting IP ${message.connectingIp} is the source`,
      obj('mx', mx.hosts.join(', ') || 'Microsoft 365'),
    )
    return {
      cip: message.connectingIp,
      trueSource: message.connectingIp,
      lastHop: message.connectingIp,
      complexRouting: false,
      enhancedFiltering: false,
      connector: null,
      trueSourceVisible: true,
      trace,
    }
  }

  // Chain of hops, last hop (the one that connected to Exchange) first, original source last.
  const gatewayIp = mx.ips.map(representativeIp).find((ip) => ip !== null) ?? null
  const chain = message.hops?.length
    ? [...message.hops]
    : [...(gatewayIp ? [gatewayIp] : []), message.connectingIp]
  if (!chain.includes(message.connectingIp)) chain.push(message.connectingIp)
  const lastHop = chain[0] ?? message.connectingIp
  const trueSource = chain[chain.length - 1] ?? message.connectingIp
  const mxObj = obj('mx', mx.gateway)
  if (!message.hops?.length && !gatewayIp)
    trace.uncertain(
      'routing',
      `MX points to the gateway ${mx.gateway}, but neither the message's hops nor the snapshot name its IPs`,
      mxObj,
      `Using the connecting IP ${message.connectingIp} as what Exchange sees; give the message's hops for an exact answer`,
    )
  else
    trace.step(
      'routing',
      `MX points to the gateway ${mx.gateway}: mail reaches Exchange from ${lastHop}`,
      mxObj,
      message.hops?.length || mx.ips[0] === gatewayIp
        ? 'Complex routing: Exchange does not see the sender directly'
        : `Complex routing: Exchange does not see the sender directly (${gatewayIp} stands for the gateway's ${mx.ips[0]}; give the message's hops for an exact answer)`,
    )

  const connector = gatewayConnector(snapshot, lastHop)
  const base = { trueSource, lastHop, complexRouting: true, connector, trace }
  if (!connector || !enhancedFilteringOn(connector)) {
    trace.step(
      'routing',
      `No Enhanced Filtering: Exchange sees the gateway's IP ${lastHop} as the source`,
      connector ? obj('inbound-connector', connector.Name) : null,
      connector
        ? 'Enhanced Filtering is off on this connector (EFSkipLastIP false and EFSkipIPs empty)'
        : 'No enabled inbound connector for the gateway was found',
    )
    return { ...base, cip: lastHop, enhancedFiltering: false, trueSourceVisible: false }
  }
  const recipients = message.recipients
  if (connector.EFUsers.length) {
    const listed = new Set(connector.EFUsers.map((u) => u.toLowerCase()))
    const missing = recipients.filter((r) => !listed.has(r))
    if (missing.length) {
      trace.step(
        'routing',
        `Enhanced Filtering is piloted on named users and not every recipient is listed (${missing.join(', ')}): Exchange sees the gateway's IP ${lastHop}`,
        obj('inbound-connector', connector.Name),
        'EFUsers works only when all recipients of the message are listed',
      )
      return { ...base, cip: lastHop, enhancedFiltering: false, trueSourceVisible: false }
    }
  }
  // ms-rule: eval.routing.ef-source
  let source: string | undefined
  let skipped: string[]
  if (connector.EFSkipLastIP) {
    source = chain[1]
    skipped = chain.slice(0, 1)
  } else {
    const i = chain.findIndex((hop) => !ipMatchesAny(hop, connector.EFSkipIPs))
    source = i === -1 ? undefined : chain[i]
    skipped = chain.slice(0, i === -1 ? chain.length : i)
  }
  if (!source) {
    source = trueSource
    trace.uncertain(
      'routing',
      `Enhanced Filtering skipped every hop; using the original source ${source}`,
      obj('inbound-connector', connector.Name),
      'The reference does not say what Exchange does when every hop is skipped',
    )
  } else
    trace.step(
      'routing',
      `Enhanced Filtering skips ${skipped.join(', ')}: the source is ${source}`,
      obj('inbound-connector', connector.Name),
      connector.EFSkipLastIP
        ? 'EFSkipLastIP: only the last hop is skipped'
        : 'Hops in EFSkipIPs are skipped',
    )
  return {
    ...base,
    cip: source,
    enhancedFiltering: true,
    trueSourceVisible: source === trueSource,
  }
}
