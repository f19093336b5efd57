import type { Change, LimitNote } from '../change.js'
import { PassageError } from '../errors/index.js'
import { ADVANCED_DELIVERY_LIMITS } from '../model/advanced-delivery.js'
import { ANTI_PHISH_LIMITS } from '../model/anti-phish.js'
import { ANTI_SPAM_LIMITS } from '../model/anti-spam.js'
import { CONNECTION_FILTER_LIMITS } from '../model/connection-filter.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { TABL_LIMITS, TABL_RULES } from '../model/tabl.js'
import { TRANSPORT_RULE_LIMITS } from '../model/transport-rule.js'
import { strs } from '../surfaces/index.js'

/**
 * Advanced delivery's "simulation URLs to allow": at most 30 (advanced-delivery-policy-configure.md).
 * Not in the model's ADVANCED_DELIVERY_LIMITS, which another part of passage owns.
 */
export const SIMULATION_URL_LIMIT = 30

function listNote(change: Change, field: string, limit: string, max: number): LimitNote | null {
  if (!change.add?.[field] && change.op !== 'create') return null
  const before = strs(change.before, field).length
  const after = strs(change.after, field).length
  return before === after && change.op !== 'create' ? null : { limit, max, before, after }
}

/**
 * The Microsoft limits a change touches, measured against the snapshot the change applies to.
 * Throws PASSAGE_E_REFUSED_LIMIT when a change would go over one.
 */
export function limitsFor(change: Change, snapshot: TenantSnapshot): LimitNote[] {
  const notes: (LimitNote | null)[] = []
  const st = snapshot.state
  switch (change.surface) {
    case 'transport-rule':
      // ms-rule: limits.transport-rule.count
      if (change.op === 'create') {
        const n = st.transportRules.length
        notes.push({
          limit: 'mail flow rules per organisation',
          max: TRANSPORT_RULE_LIMITS.maxRules,
          before: n,
          after: n + 1,
        })
      }
      // ms-rule: limits.transport-rule.size
      // ms-rule: limits.transport-rule.name
      if (change.after) {
        const size = JSON.stringify(change.after).length
        notes.push({
          limit: 'characters in one rule’s conditions and actions',
          max: TRANSPORT_RULE_LIMITS.maxRuleBytes,
          before: 0,
          after: size,
        })
        const name = typeof change.after.Name === 'string' ? change.after.Name.length : 0
        notes.push({
          limit: 'characters in a rule name',
          max: TRANSPORT_RULE_LIMITS.maxNameLength,
          before: 0,
          after: name,
        })
      }
      break
    case 'connection-filter':
      // ms-rule: limits.connection-filter.ip-allow
      notes.push(
        listNote(
          change,
          'IPAllowList',
          'IP Allow List entries',
          CONNECTION_FILTER_LIMITS.maxEntries,
        ),
      )
      break
    case 'anti-spam':
      // ms-rule: limits.anti-spam.allowed-list
      notes.push(
        listNote(
          change,
          'AllowedSenderDomains',
          `allowed sender domains in '${change.target}'`,
          ANTI_SPAM_LIMITS.maxListEntries,
        ),
      )
      break
    case 'anti-phish':
      // ms-rule: limits.anti-phish.excluded
      notes.push(
        listNote(
          change,
          'ExcludedDomains',
          `excluded domains in '${change.target}'`,
          ANTI_PHISH_LIMITS.maxExcludedEntries,
        ),
      )
      break
    case 'tabl-item': {
      const o = change.after
      // ms-rule: limits.tabl.entries
      if (change.op === 'create' && o) {
        const action = o.Action === 'Block' ? 'block' : 'allow'
        const n = st.tabl.items.filter(
          (i) => i.ListType === o.ListType && i.Action.toLowerCase() === action,
        ).length
        notes.push({
          limit: `Tenant Allow/Block List ${String(o.ListType)} ${action} entries (${snapshot.licence})`,
          max: TABL_LIMITS[snapshot.licence][action],
          before: n,
          after: n + 1,
        })
        const value = typeof o.Value === 'string' ? o.Value : ''
        // ms-rule: limits.tabl.url-length
        if (o.ListType === 'Url')
          notes.push({
            limit: 'characters in a URL entry',
            max: TABL_RULES.maxUrlLength,
            before: 0,
            after: value.length,
          })
        // ms-rule: limits.advanced-delivery.urls
        if (o.ListType === 'Url' && o.ListSubType === 'AdvancedDelivery') {
          const ad = st.tabl.items.filter(
            (i) => i.ListType === 'Url' && i.ListSubType === 'AdvancedDelivery',
          ).length
          notes.push({
            limit: 'advanced delivery simulation URLs',
            max: SIMULATION_URL_LIMIT,
            before: ad,
            after: ad + 1,
          })
        }
      }
      break
    }
    case 'tabl-spoof':
      // ms-rule: limits.tabl.spoof-entries
      if (change.op === 'create')
        notes.push({
          limit: 'spoofed-sender entries',
          max: TABL_RULES.maxSpoofEntries,
          before: st.tabl.spoofItems.length,
          after: st.tabl.spoofItems.length + 1,
        })
      break
    case 'phish-sim-rule':
      // ms-rule: limits.advanced-delivery.domains
      // ms-rule: limits.advanced-delivery.ips
      notes.push(
        listNote(
          change,
          'Domains',
          'advanced delivery domains',
          ADVANCED_DELIVERY_LIMITS.maxDomains,
        ),
      )
      notes.push(
        listNote(
          change,
          'SenderIpRanges',
          'advanced delivery sending IPs',
          ADVANCED_DELIVERY_LIMITS.maxSenderIpRanges,
        ),
      )
      break
    default:
      break
  }
  const out = notes.filter((n): n is LimitNote => n !== null)
  const over = out.find((n) => n.after > n.max)
  if (over)
    throw new PassageError(
      'PASSAGE_E_REFUSED_LIMIT',
      `${change.summary}: this would make ${over.after} ${over.limit}, over Microsoft's limit of ${over.max}.`,
      {
        details: { limit: over },
      },
    )
  return out
}
