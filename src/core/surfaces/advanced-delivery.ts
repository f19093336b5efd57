import type { JsonObject } from '../change.js'
import { PHISH_SIM_POLICY_NAME, type AdvancedDelivery } from '../model/advanced-delivery.js'
import { identityOf, str, strs, type Surface } from './surface.js'

/** The phishing simulation override policy (one per tenant, forced name), reference §3.8. */
export const phishSimPolicySurface: Surface = {
  kind: 'phish-sim-policy',
  title: 'Phishing simulation override policy',
  mdoOnly: false,
  reads: [{ cmdlet: 'Get-PhishSimOverridePolicy', params: {} }],
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
}

/** The phishing simulation override rule: domains and sending IPs, reference §3.8. */
export const phishSimRuleSurface: Surface = {
  kind: 'phish-sim-rule',
  title: 'Phishing simulation override rule',
  mdoOnly: false,
  reads: [{ cmdlet: 'Get-ExoPhishSimOverrideRule', params: {} }],
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
}
