import type { DetectionKind, TestMessageInput } from '../evaluator/message.js'
import { representativeIp } from '../evaluator/routing.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import type { VendorCategory } from '../vendor/profile.js'
import type { ResolvedVendor } from '../vendor/resolve.js'

/** One detection as the evaluator's message takes it. */
export type DetectionInput = DetectionKind | { kind: DetectionKind; bcl?: number }

/** A message the vendor typically sends, with a label saying what it stands for. */
export interface TypicalMessage {
  label: string
  /** The vendor IP (or CIDR) the message stands for. */
  source: string
  message: TestMessageInput
}

/** Options for {@link typicalMessages}. */
export interface TypicalOptions {
  /** What the content filters find; default: what the vendor's category typically triggers. */
  detections?: DetectionInput[]
  /** Recipients; default: one covered by each preset policy and one ordinary user. */
  recipients?: string[]
  /** At most this many sending sources (default 8): a /16 does not need 256 messages. */
  maxSources?: number
}

/**
 * What the filters typically find in each category's mail, from the vendors' own symptom lists
 * (reference/vendors.md): simulations look like phish, newsletters like bulk, a relay's return
 * leg fails the original sender's SPF (spoof) and is often scored as spam.
 */
export const CATEGORY_DETECTIONS: Record<VendorCategory, DetectionInput[]> = {
  'phishing-simulation': ['phish'],
  'internal-comms': [{ kind: 'bulk', bcl: 7 }],
  marketing: [{ kind: 'bulk', bcl: 7 }],
  'inbound-relay': ['spoof', 'spam'],
  // Ordinary mail forwarded by the gateway: the problem is authentication against the gateway's
  // address, not the content.
  'gateway-mx': [],
  'api-only': [],
}

const DEFAULT_MAX_SOURCES = 8
/** The original sender's server behind a gateway: a public address (example.com's), not a vendor's. */
const ORIGINAL_SENDER_IP = '93.184.216.34'

function defaultDomain(s: TenantSnapshot): string {
  const d = s.acceptedDomains.find((a) => a.Default) ?? s.acceptedDomains[0]
  return (d?.DomainName ?? s.tenant.name).toLowerCase()
}

/**
 * Default recipients: the first member of each group a preset policy covers (presets win over
 * custom policies, so they behave differently) and one ordinary user outside them.
 */
export function defaultRecipients(s: TenantSnapshot): string[] {
  const covered = new Set<string>()
  for (const p of s.presets) {
    for (const g of p.SentToMemberOf) {
      const first = s.directory.groups.find((x) => x.address.toLowerCase() === g.toLowerCase())
        ?.members[0]
      if (first) covered.add(first.toLowerCase())
    }
    for (const u of p.SentTo) covered.add(u.toLowerCase())
  }
  const members = s.directory.groups.flatMap((g) => g.members.map((m) => m.toLowerCase()))
  const ordinary =
    members.find((m) => !covered.has(m) && !coveredByPreset(s, m)) ?? `adele@${defaultDomain(s)}`
  return [...covered, ordinary]
}

function coveredByPreset(s: TenantSnapshot, address: string): boolean {
  return s.presets.some(
    (p) =>
      p.SentTo.some((u) => u.toLowerCase() === address) ||
      p.SentToMemberOf.some((g) =>
        s.directory.groups.some(
          (x) =>
            x.address.toLowerCase() === g.toLowerCase() &&
            x.members.some((m) => m.toLowerCase() === address),
        ),
      ),
  )
}

/** The sender identity a vendor's message carries, and what authentication yields for it. */
function identity(v: ResolvedVendor, s: TenantSnapshot) {
  const own = defaultDomain(s)
  const relay = v.category === 'inbound-relay'
  const gateway = v.category === 'gateway-mx'
  // Internal-comms tools send as the customer's own domain; a relay or a gateway forwards anyone's.
  const fromDomain =
    relay || gateway
      ? 'partner.example.org'
      : (v.sending.headerFromDomains[0] ??
        v.sending.envelopeDomains[0] ??
        v.sending.dkimDomains[0] ??
        (v.category === 'internal-comms' ? own : 'sender.example.org'))
  const envelope = relay || gateway ? fromDomain : (v.sending.envelopeDomains[0] ?? fromDomain)
  const dkim = relay || gateway ? null : (v.sending.dkimDomains[0] ?? null)
  // The vendor's own or onboarded domains authenticate from its IPs; the original sender's domain
  // fails SPF when a relay hands the message back from the relay's IPs.
  const auth = relay
    ? ({ spf: 'fail', dkim: 'fail', dmarc: 'fail', dmarcPolicy: 'quarantine' } as const)
    : ({ spf: 'pass', dkim: dkim ? 'pass' : 'none', dmarc: 'pass' } as const)
  return { fromDomain, envelope, dkim, auth }
}

/** How the message reaches Exchange from the vendor: direct, or through the tenant's MX gateway. */
function route(v: ResolvedVendor, s: TenantSnapshot, vendorIp: string) {
  // A relay's return leg and the gateway itself connect to Exchange directly.
  if (v.category === 'gateway-mx')
    // The gateway hands over mail whose true source is the original sender's server.
    return { connectingIp: vendorIp, hops: [vendorIp, ORIGINAL_SENDER_IP] }
  if (s.mx.route !== 'gateway') return { connectingIp: vendorIp }
  if (v.category === 'inbound-relay') return { connectingIp: vendorIp, hops: [vendorIp] }
  const gw = s.mx.ips.map(representativeIp).find((x): x is string => x !== null)
  if (!gw) return { connectingIp: vendorIp }
  return { connectingIp: gw, hops: [gw, vendorIp] }
}

function sources(v: ResolvedVendor, max: number): { source: string; ip: string }[] {
  const out: { source: string; ip: string }[] = []
  for (const entry of v.sending.ips) {
    const ip = representativeIp(entry)
    if (ip && !out.some((o) => o.ip === ip)) out.push({ source: entry, ip })
    if (out.length >= max) break
  }
  return out
}

/**
 * A tracking link of no published shape: a path and a query, as tracking links have, so that a
 * URL allow for the bare host is not mistaken for one that matches (a host alone does not imply
 * its subpaths for Tenant Allow/Block List URL allows).
 */
export const GENERIC_LINK_PATH = '/t/passage-test?id=passage'

/**
 * The links of the vendor's typical message: each link domain with each of the vendor's link
 * shapes (`linkPaths`, e.g. ContactMonkey's `/api/v1/tracker?...`), or a generic tracking path.
 */
// ms-rule: simulate.link-shapes
export function typicalUrls(v: ResolvedVendor): string[] {
  const paths = v.profile.linkPaths.length ? v.profile.linkPaths : [GENERIC_LINK_PATH]
  return v.sending.linkDomains.flatMap((d) =>
    paths.map((p) => `https://${d.replace(/^\*\./, '')}${p}`),
  )
}

/**
 * The vendor's typical messages into this tenant: one per sending source (IP or block), from the
 * vendor's domains, with a link on each tracking domain, to the default recipients. A vendor with
 * no published IPs (api-only, or parameters not given) yields none.
 */
export function typicalMessages(
  v: ResolvedVendor,
  s: TenantSnapshot,
  options: TypicalOptions = {},
): TypicalMessage[] {
  // A gateway's mail only reaches Exchange through it when the MX points at it.
  if (v.category === 'gateway-mx' && s.mx.route !== 'gateway') return []
  const detections = options.detections ?? CATEGORY_DETECTIONS[v.category]
  const recipients = options.recipients ?? defaultRecipients(s)
  const id = identity(v, s)
  const urls = typicalUrls(v)
  return sources(v, options.maxSources ?? DEFAULT_MAX_SOURCES).map(({ source, ip }) => ({
    label: `${v.name} from ${source}`,
    source,
    message: {
      ...route(v, s, ip),
      mailFrom: `bounces@${id.envelope}`,
      headerFrom: `news@${id.fromDomain}`,
      fromName: v.name,
      dkimDomain: id.dkim,
      auth: id.auth,
      recipients,
      urls,
      subject: `${v.name} test message`,
      detections,
    },
  }))
}
