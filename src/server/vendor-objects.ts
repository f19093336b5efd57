/**
 * What already exists in a tenant for a vendor: objects passage created for it (its marker), and
 * objects that name the vendor or match its sending identity (its own wizard's rules, allow
 * entries made by hand). Pure: reads a snapshot.
 */
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { PASSAGE_MARKER } from '../core/model/common.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'

/** One object found. */
export interface VendorObject {
  kind: string
  name: string
  /** True when passage created it. */
  managedByPassage: boolean
}

const KINDS: [keyof TenantSnapshot['state'], string][] = [
  ['transportRules', 'Mail flow rule'],
  ['quarantinePolicies', 'Quarantine policy'],
  ['inboundConnectors', 'Inbound connector'],
]

function nameOf(o: Record<string, unknown>): string {
  for (const k of ['Name', 'Value', 'Identity', 'SpoofedUser'])
    if (typeof o[k] === 'string' && o[k]) return o[k] as string
  return '(unnamed)'
}

/** Objects of the snapshot that belong to, or mention, the vendor. */
export function vendorObjects(s: TenantSnapshot, v: ResolvedVendor): VendorObject[] {
  const needles = [
    v.id,
    v.name,
    ...v.sending.ips,
    ...v.sending.envelopeDomains,
    ...v.sending.dkimDomains,
    ...v.sending.headerFromDomains,
    ...v.sending.linkDomains,
  ]
    .map((n) => n.toLowerCase().replace(/^\*\./, ''))
    .filter((n) => n.length >= 4 && n !== 'custom')
  const out: VendorObject[] = []
  const look = (kind: string, o: unknown) => {
    if (!o || typeof o !== 'object') return
    const text = JSON.stringify(o).toLowerCase()
    const ours = text.includes(PASSAGE_MARKER) && text.includes(`vendor=${v.id}`)
    if (ours || needles.some((n) => text.includes(n)))
      out.push({ kind, name: nameOf(o as Record<string, unknown>), managedByPassage: ours })
  }
  const st = s.state
  for (const [key, kind] of KINDS) for (const o of st[key] as unknown[]) look(kind, o)
  for (const o of st.antiSpam.policies) look('Anti-spam policy', o)
  for (const o of st.antiPhish.policies) look('Anti-phishing policy', o)
  for (const o of st.safeLinks?.policies ?? []) look('Safe Links policy', o)
  for (const o of st.safeAttachments?.policies ?? []) look('Safe Attachments policy', o)
  for (const o of st.tabl.items) look(`Allow/Block List (${o.ListType})`, o)
  for (const o of st.tabl.spoofItems) look('Spoofed sender allow', o)
  for (const ip of st.connectionFilter.IPAllowList)
    if (needles.some((n) => ip.toLowerCase() === n))
      out.push({ kind: 'Connection filter IP allow list', name: ip, managedByPassage: false })
  look('Advanced delivery', st.advancedDelivery)
  return out
}
