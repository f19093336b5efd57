import type { Change, JsonObject } from '../change.js'
import { SWITCH, utcDate, type CmdletCall, type CmdletValue } from '../cmdlet.js'
import { canonicalJson } from '../hash.js'
import type { TablItem } from '../model/tabl.js'
import { defineSurface } from './define.js'
import { undoChange } from './generic/undo.js'
import { str } from './surface.js'

/** Key of a Tenant Allow/Block List entry: list type, subtype, action and value. */
export function tablKey(o: {
  ListType: string
  ListSubType?: string | null
  Action: string
  Value: string
}): string {
  return `${o.ListType}:${o.ListSubType ?? 'Tenant'}:${o.Action}:${o.Value.toLowerCase()}`
}

function expiryParams(o: JsonObject): Record<string, CmdletValue> {
  if (typeof o.RemoveAfter === 'number') return { RemoveAfter: o.RemoveAfter }
  if (typeof o.ExpirationDate === 'string' && o.ExpirationDate)
    return { ExpirationDate: utcDate(o.ExpirationDate) }
  return { NoExpiration: SWITCH }
}

function subTypeOf(o: JsonObject): Record<string, CmdletValue> {
  return str(o, 'ListSubType') === 'AdvancedDelivery' ? { ListSubType: 'AdvancedDelivery' } : {}
}

function createCall(o: JsonObject): CmdletCall {
  const params: Record<string, CmdletValue> = { ListType: str(o, 'ListType'), ...subTypeOf(o) }
  params[str(o, 'Action') === 'Block' ? 'Block' : 'Allow'] = SWITCH
  params.Entries = [str(o, 'Value')]
  Object.assign(params, expiryParams(o))
  if (str(o, 'Notes')) params.Notes = str(o, 'Notes')
  return { cmdlet: 'New-TenantAllowBlockListItems', params }
}

function removeCall(o: JsonObject): CmdletCall {
  return {
    cmdlet: 'Remove-TenantAllowBlockListItems',
    params: { ListType: str(o, 'ListType'), ...subTypeOf(o), Entries: [str(o, 'Value')] },
  }
}

/**
 * What a renewal sets: the entry stays "removed 45 days after last use", and is re-created so
 * that its 45 days count again. Set-TenantAllowBlockListItems -RemoveAfter 45 only "enables" that
 * feature on an entry (office-docs-powershell Set-TenantAllowBlockListItems.md); Microsoft does
 * not say that it restarts the count, so passage does not rely on it: it removes the entry and
 * creates it again with the same value, expiry and notes (New-TenantAllowBlockListItems.md
 * -RemoveAfter: Sender, FileHash and Url allows). See the behaviour row client.tabl-allow-renewal.
 */
export const RENEWAL_SET: JsonObject = Object.freeze({ RemoveAfter: 45 }) as JsonObject

/** True when an update of an entry is a renewal (the only update passage makes of one). */
export function isRenewal(change: Pick<Change, 'op' | 'set' | 'add' | 'remove'>): boolean {
  return (
    change.op === 'update' &&
    canonicalJson(change.set ?? null) === canonicalJson(RENEWAL_SET) &&
    !change.add &&
    !change.remove
  )
}

/** Days before expiry an allow entry is reported by check. */
export const EXPIRY_WARNING_DAYS = 7

const LIST_TYPES = ['Sender', 'Url', 'FileHash', 'IP'] as const

/** Tenant Allow/Block List entries (sender, URL, file, IP), reference §3.4. */
export const tablItemSurface = defineSurface({
  kind: 'tabl-item',
  title: 'Tenant Allow/Block List entry',
  mdoOnly: false,
  reads: [
    ...LIST_TYPES.map((ListType) => ({
      name: `tabl${ListType}`,
      call: { cmdlet: 'Get-TenantAllowBlockListItems', params: { ListType } },
    })),
    // Without -ListSubType Exchange lists only Tenant entries; advanced delivery URL allows
    // (phishing simulations) are read apart (ms-rule: sandbox.tabl-default-subtype).
    {
      name: 'tablUrlAdvancedDelivery',
      call: {
        cmdlet: 'Get-TenantAllowBlockListItems',
        params: { ListType: 'Url', ListSubType: 'AdvancedDelivery' },
      },
    },
  ],
  load: (got) => {
    const items = LIST_TYPES.flatMap((t) => got(`tabl${t}`))
    const seen = new Set(items.map((o) => str(o, 'Identity')).filter(Boolean))
    const advanced = got('tablUrlAdvancedDelivery').filter(
      (o) => !str(o, 'Identity') || !seen.has(str(o, 'Identity')),
    )
    return { tabl: { items: [...items, ...advanced] } }
  },
  objects: (s) => s.tabl.items as unknown as JsonObject[],
  withObjects: (s, o) => ({ ...s, tabl: { ...s.tabl, items: o as unknown as TablItem[] } }),
  key: (o) =>
    tablKey({
      ListType: str(o, 'ListType'),
      ListSubType: str(o, 'ListSubType') || 'Tenant',
      Action: str(o, 'Action'),
      Value: str(o, 'Value'),
    }),
  ordered: false,
  // Entries are created or removed; their values cannot be edited. The one update is a renewal:
  // the entry re-created as it is (RENEWAL_SET), see renewalCalls.
  ops: ['create', 'remove', 'update'],
  fields: ['RemoveAfter'],
  calls(change) {
    const o = change.after ?? change.before ?? {}
    if (change.op === 'create') return [createCall(o)]
    if (change.op === 'remove') return [removeCall(o)]
    if (!isRenewal(change))
      throw new Error(
        'Tenant Allow/Block List values cannot be edited; passage creates, removes or renews entries',
      )
    return [removeCall(o), createCall(o)]
  },
  inverse(change, prior, current, opts) {
    const calls = (c: Change) => tablItemSurface.calls(c)
    // A renewal stopped between its removal and its re-creation left the entry gone: its undo
    // puts the entry back as it was, where the generic undo of an update would see "removed
    // since by someone else".
    if (change.op === 'update' && prior !== null && current === null)
      return undoChange({ ...change, op: 'remove' }, prior, null, calls)
    return undoChange(change, prior, current, calls, opts?.force === true)
  },
  extraFindings(obj, change, ctx) {
    if (typeof obj.RemoveAfter === 'number') return []
    const exp = typeof obj.ExpirationDate === 'string' ? Date.parse(obj.ExpirationDate) : NaN
    if (!Number.isFinite(exp) || exp - ctx.nowMs >= EXPIRY_WARNING_DAYS * 86_400_000) return []
    return [
      {
        changeId: change.id,
        target: change.target,
        problem: `Allow entry ${str(obj, 'Value')} expires ${new Date(exp).toISOString().slice(0, 10)}`,
        diagnosis:
          exp <= ctx.nowMs
            ? 'It has expired: Microsoft removed the allow.'
            : `It expires within ${EXPIRY_WARNING_DAYS} days.`,
        fix: `Extend it: Set-TenantAllowBlockListItems -ListType ${str(obj, 'ListType')} -Entries '${str(obj, 'Value')}' -ExpirationDate <date> (or re-plan: passage uses "remove 45 days after last use" where it can).`,
      },
    ]
  },
})
