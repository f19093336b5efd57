import type { JsonObject } from '../change.js'
import { PHISH_SIM_POLICY_NAME, type AdvancedDelivery } from '../model/advanced-delivery.js'
import { defineSurface } from './define.js'
import { identityOf, str, strs } from './surface.js'

/** The phishing simulation override rule: domains and sending IPs, reference §3.8. */
export const phishSimRuleSurface = defineSurface({
  kind: 'phish-sim-rule',
  title: 'Phishing simulation override rule',
  mdoOnly: false,
  reads: [
    {
      name: 'phishSimRule',
      call: { cmdlet: 'Get-ExoPhishSimOverrideRule', params: {} },
      notFoundIsEmpty: true,
    },
  ],
  // A rule being deleted is still listed for a while (Mode PendingDeletion); the one in force is
  // the other (ms-rule: read.phishsim-pending-deletion).
  load: (got) => ({
    advancedDelivery: {
      phishSimRule:
        got('phishSimRule').find((r) => !/pendingdeletion/i.test(String(r.Mode ?? ''))) ?? null,
    },
  }),
  objects: (s) =>
    s.advancedDelivery.phishSimRule
      ? [s.advancedDelivery.phishSimRule as unknown as JsonObject]
      : [],
  withObjects: (s, o) => ({
    ...s,
    advancedDelivery: {
      ...s.advancedDelivery,
      phishSimRule: (o[0] ?? null) as unknown as AdvancedDelivery['phishSimRule'],
    },
  }),
  key: () => 'phish-sim-rule',
  ordered: false,
  ops: ['create', 'update', 'remove'],
  fields: ['Domains', 'SenderIpRanges'],
  calls(change) {
    const o: JsonObject = change.after ?? change.before ?? {}
    if (change.op === 'create')
      return [
        {
          cmdlet: 'New-ExoPhishSimOverrideRule',
          params: {
            Policy: PHISH_SIM_POLICY_NAME,
            Domains: strs(o, 'Domains'),
            SenderIpRanges: strs(o, 'SenderIpRanges'),
          },
        },
      ]
    if (change.op === 'remove')
      return [
        { cmdlet: 'Remove-ExoPhishSimOverrideRule', params: { Identity: identityOf(change) } },
      ]
    const params: Record<string, string[]> = {}
    const pairs: [string, string, 'add' | 'remove'][] = [
      ['Domains', 'AddDomains', 'add'],
      ['SenderIpRanges', 'AddSenderIpRanges', 'add'],
      ['Domains', 'RemoveDomains', 'remove'],
      ['SenderIpRanges', 'RemoveSenderIpRanges', 'remove'],
    ]
    for (const [field, param, which] of pairs) {
      const entries = change[which]?.[field] ?? []
      if (entries.length) params[param] = entries
    }
    return [
      {
        cmdlet: 'Set-ExoPhishSimOverrideRule',
        params: { Identity: str(change.before, 'Name') || identityOf(change), ...params },
      },
    ]
  },
})
