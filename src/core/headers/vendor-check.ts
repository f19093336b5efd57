/**
 * Did a vendor's Microsoft 365 configuration take effect for this message, and what to fix
 * (message-headers §1.5, exchange-online-api §4).
 */
import ipaddr from 'ipaddr.js'
import { normaliseDomain } from '../net/domain-name.js'
import { parseIpEntry } from '../net/ip.js'
import type { SafeLink } from './safe-links.js'
import type { Bypass, VendorCheck, VendorInput, Verdict } from './types.js'
import { UNOVERRIDABLE_CATS } from './vocabulary.js'

/** The facts of the analysis the vendor check reads. */
export interface VendorFacts {
  trusted: boolean
  /** The headers are only the sender's on the way out of Microsoft 365 (no recipient verdict). */
  outbound?: boolean
  verdict: Verdict
  bypass: Bypass
  bypassInferred: boolean
  category: string
  sfv: string | null
  ipv: string | null
  dir: string | null
  cip: string | null
  ptr: string | null
  /** Original internet IPs from Enhanced Filtering headers. */
  originalIps: string[]
  skipListed: boolean
  /** Domains the sender used: envelope, From, DKIM d=. */
  senderDomains: string[]
  dmarc: string | null
  compauth: string | null
  reason: string | null
  dest: string | null
  safeLinks: SafeLink[]
  skipSafeLinksProcessing: string | null
  bypassClutter: string | null
}

/** A vendor IP list, parsed: IPv4 bounds as numbers, IPv6 networks as ipaddr.js values. */
interface CompiledIps {
  v4: number[]
  v6: [ipaddr.IPv6, number][]
}

/** Parsed vendor IP lists by their text, so a vendor's list is parsed once, not on every call. */
const COMPILED = new Map<string, CompiledIps>()
const COMPILED_MAX = 64

/** Parses the entries (the first 4,096) once per distinct list; unreadable entries are skipped. */
function compileIps(entries: readonly string[]): CompiledIps {
  const list = entries.length > 4096 ? entries.slice(0, 4096) : entries
  // Keyed by content, not by array identity: callers may reuse and change one array.
  const key = list.join('\n')
  const hit = COMPILED.get(key)
  if (hit) return hit
  const out: CompiledIps = { v4: [], v6: [] }
  for (const raw of list) {
    const e = parseIpEntry(raw)
    if (e === null) continue
    try {
      if (e.family === 'ipv4') out.v4.push(e.first, e.last)
      else {
        const [net, bits] =
          e.form === 'cidr' ? ipaddr.parseCIDR(e.text) : [ipaddr.parse(e.text), 128]
        if (net.kind() === 'ipv6') out.v6.push([net as ipaddr.IPv6, bits])
      }
    } catch {
      continue
    }
  }
  if (COMPILED.size >= COMPILED_MAX) COMPILED.clear()
  COMPILED.set(key, out)
  return out
}

/** A strict dotted quad (no leading zeros, which ipaddr.js reads as octal) as a number, or -1. */
function plainV4(ip: string): number {
  let n = 0
  let octet = 0
  let digits = 0
  let groups = 0
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1
      if (++digits > 3) return -1
      octet = octet * 10 + (c - 48)
    } else if (c === 46 && digits > 0 && octet <= 255 && groups < 3) {
      n = n * 256 + octet
      groups++
      digits = 0
      octet = 0
    } else return -1
  }
  return groups === 3 && digits > 0 && octet <= 255 ? n * 256 + octet : -1
}

/** True when the IP is one of the entries (addresses, CIDR blocks or IPv4 a-b ranges). */
export function ipMatches(ip: string, entries: readonly string[]): boolean {
  const ips = compileIps(entries)
  const text = ip.trim()
  let v4 = plainV4(text)
  let addr: ipaddr.IPv4 | ipaddr.IPv6 | null = null
  if (v4 < 0) {
    try {
      addr = ipaddr.process(text)
    } catch {
      return false
    }
    if (addr.kind() === 'ipv4') v4 = (addr as ipaddr.IPv4).octets.reduce((a, o) => a * 256 + o, 0)
  }
  if (v4 >= 0) {
    for (let i = 0; i < ips.v4.length; i += 2)
      if (v4 >= (ips.v4[i] as number) && v4 <= (ips.v4[i + 1] as number)) return true
    return false
  }
  for (const [net, bits] of ips.v6) {
    try {
      if ((addr as ipaddr.IPv6).match(net, bits)) return true
    } catch {
      continue
    }
  }
  return false
}

/** Host name of a URL, lower-cased, or null. */
function hostOf(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]{0,20}:\/\/([^/?#:\s]{1,253})/i.exec(url.trim())
  return m ? (m[1] ?? '').toLowerCase() : null
}

/**
 * A vendor's domains: each normalised (as the vendor check reports it), and as isSameOrSubdomain
 * compares it (normalised once more), so the list is normalised once per check, not once per
 * comparison.
 */
interface DomainList {
  names: string[]
  keys: string[]
}

/** The vendor's domains, normalised, empty ones dropped. */
function domainList(input: readonly string[]): DomainList {
  const names: string[] = []
  const keys: string[] = []
  for (const raw of input) {
    const name = normaliseDomain(raw)
    if (name.length === 0) continue
    names.push(name)
    keys.push(normaliseDomain(name))
  }
  return { names, keys }
}

/** The first of the domains that `domain` equals or is under (isSameOrSubdomain), or null. */
function underOneOf(domain: string, list: DomainList): string | null {
  const d = normaliseDomain(domain)
  for (let i = 0; i < list.keys.length; i++) {
    const p = list.keys[i] as string
    if (
      d === p ||
      (d.length > p.length && d.endsWith(p) && d.charCodeAt(d.length - p.length - 1) === 46)
    )
      return list.names[i] as string
  }
  return null
}

/** Checks the vendor's configuration against the analysis. Never throws. */
export function checkVendor(f: VendorFacts, vendor: VendorInput): VendorCheck {
  const advice: string[] = []
  const matchedBy: string[] = []
  const ips = vendor.ips ?? []
  const domains = domainList(vendor.domains ?? [])
  const linkDomains = domainList(vendor.linkDomains ?? [])

  if (f.cip && ipMatches(f.cip, ips)) matchedBy.push(`CIP ${f.cip} is one of the vendor's IPs`)
  for (const ip of f.originalIps)
    if (ipMatches(ip, ips))
      matchedBy.push(`the original sender IP ${ip} (Enhanced Filtering) is one of the vendor's IPs`)
  for (const d of f.senderDomains) {
    const hit = underOneOf(d, domains)
    if (hit && matchedBy.length < 8) matchedBy.push(`sender domain ${d} matches ${hit}`)
  }
  const ipMatched = matchedBy.some((m) => m.includes('IP'))
  if (f.ptr) {
    const hit = underOneOf(f.ptr, domains)
    if (hit) matchedBy.push(`the connecting IP's reverse DNS ${f.ptr} is under ${hit}`)
  }
  const matched = matchedBy.length > 0

  if (!matched) {
    advice.push(
      `This message doesn't come from the vendor: CIP ${f.cip ?? 'unknown'} is not among its IPs and no sender domain (${f.senderDomains.join(', ') || 'none found'}) matches its domains. Check the vendor's IP list, or test with a message the vendor sent.`,
    )
    return { matched, matchedBy, tookEffect: 'unknown', advice }
  }
  if (!f.trusted && f.outbound) {
    // ms-rule: hdr.trust.outbound-only
    advice.push(
      "These headers are the sending side's on the way out of Microsoft 365: they hold no verdict of the recipient's tenant, so they can't show whether the configuration took effect. Test with a message received by a mailbox of the tenant you configured, and paste its complete headers.",
    )
    return { matched, matchedBy, tookEffect: 'unknown', advice }
  }
  if (!f.trusted) {
    advice.push(
      "The headers aren't trustworthy (no verdict from the recipient tenant's own Exchange Online Protection): paste the complete headers of the message as the recipient received it.",
    )
    return { matched, matchedBy, tookEffect: 'unknown', advice }
  }
  if (!ipMatched && f.cip)
    advice.push(
      `The sender domain matches but CIP ${f.cip} is not one of the vendor's IPs: IP-scoped allows (IP Allow List, transport rules on sender IP) won't match. Add the IP if it is the vendor's, or, if a gateway sits in front of Microsoft 365, turn on Enhanced Filtering for Connectors so CIP is the original IP.`,
    )

  const cat = f.category === 'HPHISH' ? 'HPHSH' : f.category
  let tookEffect: boolean | 'unknown' = 'unknown'
  const allowed = [
    'transport-rule',
    'ip-allow',
    'anti-spam-allow',
    'safe-senders',
    'advanced-delivery',
  ].includes(f.bypass)
  if (f.verdict === 'junk' || f.verdict === 'quarantine') tookEffect = false
  else if (f.verdict === 'inbox' && allowed) tookEffect = true
  else if (f.verdict === 'inbox' && f.bypass === 'none')
    advice.push(
      `Delivered to the Inbox, but no allow shows in the headers (SFV:${f.sfv ?? '?'}, CAT:${f.category}): the message was simply clean, so this doesn't prove the allow works. (Advanced delivery leaves no stamp.)`,
    )

  if (UNOVERRIDABLE_CATS.has(cat) && f.verdict !== 'inbox')
    advice.push(
      cat === 'HPHSH'
        ? 'CAT:HPHSH (high-confidence phish): with MX at Microsoft 365, no allow overrides it (transport rule, IP Allow List, allowed senders, Tenant Allow/Block List); only advanced delivery does: configure the vendor as a third-party phishing simulation (its sending IPs and domains, and its simulation URLs). When MX points to another service, Microsoft says an SCL -1 rule, Tenant Allow/Block List allows and anti-spam allowed senders can deliver it, which is a risk, not a fix.'
        : `CAT:${f.category} (malware): no allow can override it; only the SecOps mailbox of advanced delivery skips malware scanning. Don't promise delivery.`,
    )
  if (f.sfv === 'NSPM' && f.dest === 'J')
    advice.push(
      "SFV:NSPM with dest:J: the filter let it through, but the recipient's own settings sent it to Junk (Blocked Senders, a junk rule, or 'Only trust mail from my Safe Senders'). Tenant allows don't override user settings: fix it in the user's Junk options, or use advanced delivery for simulations.",
    )
  if (f.sfv === 'BLK')
    advice.push(
      "SFV:BLK: the sender is in the user's Blocked Senders list, which beats tenant allows. Remove it from the user's list.",
    )
  if (
    f.verdict !== 'inbox' &&
    f.bypass === 'none' &&
    !UNOVERRIDABLE_CATS.has(cat) &&
    f.sfv !== 'BLK' &&
    !(f.sfv === 'NSPM' && f.dest === 'J')
  )
    advice.push(
      `No allow matched this message (SFV:${f.sfv ?? '?'}${f.category !== 'none' ? `, CAT:${f.category}` : ''}): check that the transport rule's conditions (sender IP ${f.cip ?? '?'} and the authentication check) match, that the IP Allow List holds CIP, and that the recipient isn't in a Standard/Strict preset, which ignores custom anti-spam allowed senders.`,
    )
  if (cat === 'SPOOF')
    advice.push(
      "CAT:SPOOF: the vendor sends as a domain it can't authenticate. Add a spoof allow entry in the Tenant Allow/Block List for the pair (spoofed domain, sending infrastructure), or have the vendor DKIM-sign with its own domain.",
    )
  // ms-rule: hdr.ipv-cal.ip-allow-list
  // IPV:CAL with SKN (what create-safe-sender-lists documents and real mail shows) or SKI (the 2026
  // troubleshooting page) is the IP Allow List skipping filtering; with any other SFV it matched
  // but filtering still ran.
  const ipAllowSkip = f.ipv === 'CAL' && (f.sfv === 'SKN' || f.sfv === 'SKI')
  if (f.ipv === 'CAL' && !ipAllowSkip)
    advice.push(
      `IPV:CAL without a skip verdict (SFV:SKN or SFV:SKI): the IP Allow List matched CIP ${f.cip ?? '?'} but filtering still ran (SFV:${f.sfv ?? '?'}). A higher verdict (malware, high-confidence phish) or a policy setting kept the skip from applying; if the vendor sends as one of your own domains, use a transport rule or advanced delivery instead.`,
    )
  if (ipAllowSkip)
    advice.push(
      `IPV:CAL with SFV:${f.sfv}: the IP Allow List let CIP ${f.cip ?? '?'} skip spam filtering (Microsoft's pages pair IPV:CAL with SKN on one page and SKI on another; both are read as the IP Allow List).`,
    )
  if (f.sfv === 'SKI' && f.ipv !== 'CAL' && f.dir !== 'INT')
    advice.push(
      'SFV:SKI without IPV:CAL: read as the IP Allow List, but Microsoft documents SKI two ways; confirm the vendor IP is in the connection filter policy.',
    )
  if ((f.dmarc === 'fail' || f.compauth === 'fail') && matched)
    advice.push(
      `Authentication fails for the vendor's message (dmarc=${f.dmarc ?? '?'}, compauth=${f.compauth ?? '?'}${f.reason ? ` reason=${f.reason}` : ''}): ask the vendor to sign with DKIM for the From domain, or allow the spoofed pair in the Tenant Allow/Block List.`,
    )
  if (f.skipListed)
    advice.push(
      'Enhanced Filtering (skip listing) only restores the original sender IP; it does not bypass filtering.',
    )
  if (f.bypassClutter !== null && f.bypassClutter !== 'true')
    advice.push(
      `X-MS-Exchange-Organization-BypassClutter is "${f.bypassClutter}": the value is case-sensitive; the transport rule must set exactly "true".`,
    )

  if (linkDomains.names.length > 0) {
    const wrapped = f.safeLinks.filter((l) => {
      const h = l.target ? hostOf(l.target) : null
      return h !== null && underOneOf(h, linkDomains) !== null
    })
    if (wrapped.length > 0) {
      const hosts = [...new Set(wrapped.map((l) => (l.target ? hostOf(l.target) : null) ?? '?'))]
      advice.push(
        `Safe Links rewrote ${wrapped.length} vendor tracking link${wrapped.length === 1 ? '' : 's'} (${hosts.join(', ')}): DoNotRewriteUrls is not in effect for this recipient. Add the vendor's link domains (e.g. https://${hosts[0]}/*) to the Safe Links policy that applies to this recipient (a preset policy wins over custom ones), or advanced delivery's simulation URLs for phishing tests.`,
      )
      if (f.skipSafeLinksProcessing !== null)
        advice.push(
          'A transport rule set SkipSafeLinksProcessing, yet links were wrapped: that header did not take effect.',
        )
      tookEffect = false
    }
  }
  if (tookEffect === true)
    advice.unshift(
      `The configuration took effect: delivered to the Inbox via ${f.bypass}${f.bypassInferred ? ' (inferred)' : ''}.`,
    )
  return { matched, matchedBy, tookEffect, advice }
}
