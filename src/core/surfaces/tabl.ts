import type { JsonObject } from '../change.js'
import { SWITCH, utcDate, type CmdletValue } from '../cmdlet.js'
import type { TablItem, TablSpoofItem } from '../model/tabl.js'
import { str, type Surface } from './surface.js'

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

/** Tenant Allow/Block List entries (sender, URL, file, IP), reference §3.4. */
export const tablItemSurface: Surface = {
  kind: 'tabl-item',
  title: 'Tenant Allow/Block List entry',
  mdoOnly: false,
  reads: ['Sender', 'Url', 'FileHash', 'IP'].map((ListType) => ({
    cmdlet: 'Get-TenantAllowBlockListItems',
    params: { ListType },
  })),
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
  calls(change) {
    const o = change.after ?? change.before ?? {}
    const subType: Record<string, CmdletValue> =
      str(o, 'ListSubType') === 'AdvancedDelivery' ? { ListSubType: 'AdvancedDelivery' } : {}
    if (change.op === 'create') {
      const params: Record<string, CmdletValue> = { ListType: str(o, 'ListType'), ...subType }
      params[str(o, 'Action') === 'Block' ? 'Block' : 'Allow'] = SWITCH
      params.Entries = [str(o, 'Value')]
      Object.assign(params, expiryParams(o))
      if (str(o, 'Notes')) params.Notes = str(o, 'Notes')
      return [{ cmdlet: 'New-TenantAllowBlockListItems', params }]
    }
    if (change.op === 'remove')
      return [
        {
          cmdlet: 'Remove-TenantAllowBlockListItems',
          params: { ListType: str(o, 'ListType'), ...subType, Entries: [str(o, 'Value')] },
        },
      ]
    throw new Error(
      'Tenant Allow/Block List values cannot be edited; passage creates or removes entries',
    )
  },
}

/** Key of a spoofed-sender entry. */
export function spoofKey(o: {
  SpoofType: string
  Action: string
  SpoofedUser: string
  SendingInfrastructure: string
}): string {
  return `${o.SpoofType}:${o.Action}:${o.SpoofedUser.toLowerCase()}:${o.SendingInfrastructure.toLowerCase()}`
}

/** Tenant Allow/Block List spoofed-sender entries, reference §3.4. */
export const tablSpoofSurface: Surface = {
  kind: 'tabl-spoof',
  title: 'Spoofed sender entry',
  mdoOnly: false,
  reads: [{ cmdlet: 'Get-TenantAllowBlockListSpoofItems', params: {} }],
  objects: (s) => s.tabl.spoofItems as unknown as JsonObject[],
  withObjects: (s, o) => ({
    ...s,
    tabl: { ...s.tabl, spoofItems: o as unknown as TablSpoofItem[] },
  }),
  key: (o) =>
    spoofKey({
      SpoofType: str(o, 'SpoofType'),
      Action: str(o, 'Action'),
      SpoofedUser: str(o, 'SpoofedUser'),
      SendingInfrastructure: str(o, 'SendingInfrastructure'),
    }),
  ordered: false,
  calls(change) {
    const o = change.after ?? change.before ?? {}
    if (change.op === 'create')
      return [
        {
          cmdlet: 'New-TenantAllowBlockListSpoofItems',
          params: {
            Identity: 'Default',
            Action: str(o, 'Action'),
            SpoofType: str(o, 'SpoofType'),
            SpoofedUser: str(o, 'SpoofedUser'),
            SendingInfrastructure: str(o, 'SendingInfrastructure'),
          },
        },
      ]
    if (change.op === 'remove')
      // Exchange removes spoof entries by their Identity, which it assigns on creation: the journal
      // records it when the entry is read back after apply.
      return [
        {
          cmdlet: 'Remove-TenantAllowBlockListSpoofItems',
          params: { Identity: 'Default', Ids: [str(o, 'Identity') || change.target] },
        },
      ]
    throw new Error('spoofed sender entries cannot be edited; passage creates or removes them')
  },
}
