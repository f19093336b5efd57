import type { JsonObject } from '../change.js'
import { PHISH_SIM_POLICY_NAME, type AdvancedDelivery } from '../model/advanced-delivery.js'
import { defineSurface } from './define.js'

/**
 * The phishing simulation override policy (one per tenant, forced name), reference §3.8. Its
 * reads also bring the SecOps override policy, the other half of advanced delivery, which
 * passage shows but never changes.
 */
export const phishSimPolicySurface = defineSurface({
  kind: 'phish-sim-policy',
  title: 'Phishing simulation override policy',
  mdoOnly: false,
  reads: [
    {
      name: 'phishSimPolicy',
      call: { cmdlet: 'Get-PhishSimOverridePolicy', params: {} },
      notFoundIsEmpty: true,
    },
    {
      name: 'secOpsPolicy',
      call: { cmdlet: 'Get-SecOpsOverridePolicy', params: {} },
      notFoundIsEmpty: true,
    },
  ],
  load: (got) => ({
    advancedDelivery: {
      phishSimPolicy: got('phishSimPolicy')[0] ?? null,
      secOpsPolicy: got('secOpsPolicy')[0] ?? null,
    },
  }),
  objects: (s) =>
    s.advancedDelivery.phishSimPolicy
      ? [s.advancedDelivery.phishSimPolicy as unknown as JsonObject]
      : [],
  withObjects: (s, o) => ({
    ...s,
    advancedDelivery: {
      ...s.advancedDelivery,
      phishSimPolicy: (o[0] ?? null) as unknown as AdvancedDelivery['phishSimPolicy'],
    },
  }),
  key: () => PHISH_SIM_POLICY_NAME.toLowerCase(),
  ordered: false,
  ops: ['create', 'update', 'remove'],
  fields: ['Enabled'],
  calls(change) {
    if (change.op === 'create')
      return [
        {
          cmdlet: 'New-PhishSimOverridePolicy',
          params: { Name: PHISH_SIM_POLICY_NAME, Enabled: change.after?.Enabled !== false },
        },
      ]
    if (change.op === 'remove')
      return [
        { cmdlet: 'Remove-PhishSimOverridePolicy', params: { Identity: PHISH_SIM_POLICY_NAME } },
      ]
    return [
      {
        cmdlet: 'Set-PhishSimOverridePolicy',
        params: { Identity: PHISH_SIM_POLICY_NAME, Enabled: change.after?.Enabled !== false },
      },
    ]
  },
})
