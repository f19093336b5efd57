/**
 * Tenant markers stamped next to the recipient tenant's verdict: X-MS-Exchange-CrossTenant-*,
 * X-EOPTenantAttributedMessage, X-OriginatorOrg and the cross-tenant header stamps
 * (message-headers §1.0, §1.3).
 */
import type { RawHeader } from './parse.js'
import { ipInText } from './received.js'

/** The consumer Outlook.com / Hotmail tenant ID. */
export const CONSUMER_TENANT_ID = '84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa'

/** Tenant markers found in the headers. */
export interface TenantMarkers {
  /** X-MS-Exchange-CrossTenant-Id values (lower-cased GUIDs), topmost first, deduplicated. */
  crossTenantIds: string[]
  /** Tenant GUIDs of X-EOPTenantAttributedMessage (`<guid>:0`), deduplicated. */
  attributedTenantIds: string[]
  /** X-OriginatorOrg values. */
  originatorOrgs: string[]
  /** X-MS-Exchange-CrossTenant-FromEntityHeader: Internet or HybridOnPrem. */
  fromEntity: string | null
  /** X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp. */
  originalConnectingIp: { tenantId: string | null; ip: string | null } | null
  /** Names of X-MS-Exchange-Transport-CrossTenantHeaders{Stamped,Stripped,Promoted} present. */
  crossTenantStamps: string[]
  /** Index of the topmost tenant marker, or null. */
  firstIndex: number | null
  /** A marker names the consumer Outlook.com tenant. */
  consumer: boolean
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i

/** Lower-cased names of the headers read below. */
const MARKER_NAMES: ReadonlySet<string> = new Set([
  'x-ms-exchange-crosstenant-id',
  'x-eoptenantattributedmessage',
  'x-originatororg',
  'x-ms-exchange-crosstenant-fromentityheader',
  'x-ms-exchange-crosstenant-originalattributedtenantconnectingip',
  'x-ms-exchange-transport-crosstenantheadersstamped',
  'x-ms-exchange-transport-crosstenantheadersstripped',
  'x-ms-exchange-transport-crosstenantheaderspromoted',
])

/** Whether findTenantMarkers reads the header (by its lower-cased name). */
export function isTenantMarker(lower: string): boolean {
  return MARKER_NAMES.has(lower)
}

/** Adds v to the list unless it is there or the list has 16 values. */
function add(list: string[], v: string): void {
  if (list.length < 16 && !list.includes(v)) list.push(v)
}

/** Collects the tenant markers (each list capped at 16 values). */
export function findTenantMarkers(headers: readonly RawHeader[]): TenantMarkers {
  const t: TenantMarkers = {
    crossTenantIds: [],
    attributedTenantIds: [],
    originatorOrgs: [],
    fromEntity: null,
    originalConnectingIp: null,
    crossTenantStamps: [],
    firstIndex: null,
    consumer: false,
  }
  for (const h of headers) {
    // Only the marker headers' values are read (not a slice of every header's value).
    if (!MARKER_NAMES.has(h.lower)) continue
    const v = h.value.slice(0, 1024)
    switch (h.lower) {
      case 'x-ms-exchange-crosstenant-id': {
        const g = GUID.exec(v)
        if (g) {
          add(t.crossTenantIds, g[0].toLowerCase())
          if (t.firstIndex === null) t.firstIndex = h.index
        }
        break
      }
      case 'x-eoptenantattributedmessage': {
        const g = GUID.exec(v)
        if (g) {
          add(t.attributedTenantIds, g[0].toLowerCase())
          if (t.firstIndex === null) t.firstIndex = h.index
        }
        break
      }
      case 'x-originatororg':
        if (v.trim()) add(t.originatorOrgs, v.trim().toLowerCase())
        break
      case 'x-ms-exchange-crosstenant-fromentityheader':
        if (t.fromEntity === null) t.fromEntity = v.trim()
        break
      case 'x-ms-exchange-crosstenant-originalattributedtenantconnectingip':
        if (t.originalConnectingIp === null) {
          const g = GUID.exec(v)
          const ipPart = v.slice(v.toLowerCase().indexOf('ip=') + 3)
          t.originalConnectingIp = {
            tenantId: g ? g[0].toLowerCase() : null,
            ip: v.toLowerCase().includes('ip=') ? ipInText(ipPart) : null,
          }
        }
        break
      case 'x-ms-exchange-transport-crosstenantheadersstamped':
      case 'x-ms-exchange-transport-crosstenantheadersstripped':
      case 'x-ms-exchange-transport-crosstenantheaderspromoted':
        add(t.crossTenantStamps, h.name)
        break
    }
  }
  t.consumer =
    t.crossTenantIds.includes(CONSUMER_TENANT_ID) ||
    t.attributedTenantIds.includes(CONSUMER_TENANT_ID)
  return t
}
