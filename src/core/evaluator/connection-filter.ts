import type { TenantSnapshot } from '../model/snapshot.js'
import { CONNECTION_FILTER_LIMITS } from '../model/connection-filter.js'
import { ipv4InEntry, ipMatchesAny, parseIpEntry } from '../net/ip.js'
import { obj, type Trace } from './trace.js'

/** The connection filter's verdict on the source IP. */
export interface ConnectionVerdict {
  /** The IP Allow List entry that matched, if any. */
  allow: string | null
  /** The IP Block List entry that matched, if any (kept even when the allow wins). */
  block: string | null
  /** True when an allowed IP is still filtered (on-premises IP-based inbound connector). */
  allowStillFiltered: boolean
}

/**
 * The entry of a connection filter list matching the IP; entries Exchange would not accept never
 * match (ms-rule: eval.ip-allow.limits).
 */
function listMatch(ip: string, entries: readonly string[], invalid: string[]): string | null {
  for (const text of entries) {
    const e = parseIpEntry(text)
    const acceptable =
      e !== null &&
      e.family === 'ipv4' &&
      (e.form === 'range'
        ? e.size <= CONNECTION_FILTER_LIMITS.maxRangeAddresses
        : e.prefix >= CONNECTION_FILTER_LIMITS.widestPrefix)
    if (!acceptable) {
      invalid.push(text)
      continue
    }
    if (ipv4InEntry(ip, e)) return text
  }
  return null
}

/**
 * Checks the source IP against the connection filter policy's IP Allow and Block lists (reference
 * §3.2): IPv4 only, /24 to /32 or ranges of at most 256 addresses; the allow list beats the block
 * list. An allowed IP that is also in an on-premises IP-based inbound connector is still filtered.
 */
export function checkConnectionFilter(
  snapshot: TenantSnapshot,
  cip: string,
  trace: Trace,
): ConnectionVerdict {
  const policy = snapshot.state.connectionFilter
  const o = obj('connection-filter', policy.Name)
  const invalid: string[] = []
  const allow = listMatch(cip, policy.IPAllowList, invalid)
  const block = listMatch(cip, policy.IPBlockList, invalid)
  if (invalid.length)
    trace.step(
      'connection-filter',
      `Ignored entries Exchange does not accept: ${invalid.join(', ')}`,
      o,
      'The lists take IPv4 addresses, /24-/32 blocks or ranges of at most 256 addresses',
    )
  if (policy.EnableSafeList)
    trace.uncertain(
      'connection-filter',
      'The Microsoft-run safe list is on',
      o,
      'Whether this IP is on Microsoft’s dynamic safe list is unknown; not modelled',
    )
  let allowStillFiltered = false
  if (allow) {
    const onPrem = snapshot.state.inboundConnectors.find(
      (c) =>
        c.Enabled && c.ConnectorType === 'OnPremises' && ipMatchesAny(cip, c.SenderIPAddresses),
    )
    if (onPrem) {
      allowStillFiltered = true
      trace.step(
        'connection-filter',
        `IP ${cip} is on the IP Allow List (${allow}) but also in on-premises connector '${onPrem.Name}': still filtered (IPV:CAL stamped anyway)`,
        o,
      )
    } else
      trace.step(
        'connection-filter',
        `IP ${cip} is on the IP Allow List (${allow})${block ? `; it is also on the Block List (${block}) and the allow list wins` : ''}`,
        o,
      )
  } else if (block)
    trace.step('connection-filter', `IP ${cip} is on the IP Block List (${block})`, o)
  else trace.step('connection-filter', `IP ${cip} is on neither IP list`, o)
  return { allow, block, allowStillFiltered }
}
