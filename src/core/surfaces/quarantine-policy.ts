import type { JsonObject } from '../change.js'
import { quarantinePermissionsOf, type QuarantinePolicy } from '../model/quarantine-policy.js'
import { defineSurface } from './define.js'
import { updateParams } from './list-params.js'
import { identityOf, str } from './surface.js'

/** Quarantine policies: passage creates its own and updates or removes only those. */
export const quarantinePolicySurface = defineSurface({
  kind: 'quarantine-policy',
  title: 'Quarantine policy',
  mdoOnly: false,
  reads: [{ name: 'quarantinePolicies', call: { cmdlet: 'Get-QuarantinePolicy', params: {} } }],
  // The real Get-QuarantinePolicy carries the bits as text and booleans, not always the number
  // (ms-rule: read.quarantine-permissions).
  load: (got) => ({
    quarantinePolicies: got('quarantinePolicies').map((o) => {
      const bits = quarantinePermissionsOf(o)
      return bits === null ? o : { ...o, EndUserQuarantinePermissionsValue: bits }
    }),
  }),
  objects: (s) => s.quarantinePolicies as unknown as JsonObject[],
  withObjects: (s, o) => ({ ...s, quarantinePolicies: o as unknown as QuarantinePolicy[] }),
  key: (o) => str(o, 'Name').toLowerCase(),
  ordered: false,
  ops: ['create', 'update', 'remove'],
  owned: true,
  fields: ['EndUserQuarantinePermissionsValue', 'ESNEnabled'],
  calls(change) {
    const o = change.after ?? {}
    if (change.op === 'create')
      return [
        {
          cmdlet: 'New-QuarantinePolicy',
          params: {
            Name: str(o, 'Name'),
            EndUserQuarantinePermissionsValue:
              typeof o.EndUserQuarantinePermissionsValue === 'number'
                ? o.EndUserQuarantinePermissionsValue
                : 0,
            ESNEnabled: o.ESNEnabled === true,
            ...(str(o, 'AdminDisplayName') ? { AdminDisplayName: str(o, 'AdminDisplayName') } : {}),
          },
        },
      ]
    if (change.op === 'remove')
      return [{ cmdlet: 'Remove-QuarantinePolicy', params: { Identity: identityOf(change) } }]
    return [
      {
        cmdlet: 'Set-QuarantinePolicy',
        params: { Identity: identityOf(change), ...updateParams(change) },
      },
    ]
  },
})
