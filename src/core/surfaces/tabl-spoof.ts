import type { JsonObject } from '../change.js'
import type { TablSpoofItem } from '../model/tabl.js'
import { defineSurface } from './define.js'
import { str } from './surface.js'

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
export const tablSpoofSurface = defineSurface({
  kind: 'tabl-spoof',
  title: 'Spoofed sender entry',
  mdoOnly: false,
  reads: [
    { name: 'tablSpoof', call: { cmdlet: 'Get-TenantAllowBlockListSpoofItems', params: {} } },
  ],
  load: (got) => ({ tabl: { spoofItems: got('tablSpoof') } }),
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
  ops: ['create', 'remove'],
  fields: [],
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
      // Exchange removes spoof entries by the Identity it assigns on creation: undo takes it
      // from the entry as read back.
      return [
        {
          cmdlet: 'Remove-TenantAllowBlockListSpoofItems',
          params: { Identity: 'Default', Ids: [str(o, 'Identity') || change.target] },
        },
      ]
    throw new Error('spoofed sender entries cannot be edited; passage creates or removes them')
  },
})
