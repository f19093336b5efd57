import type { JsonObject } from '../change.js'
import type { AntiPhishPolicy } from '../model/anti-phish.js'
import { updateOnlyPolicy } from './policy-surface.js'
import { normaliseRule } from './rule-state.js'

/** Anti-phishing policies (and their rules), reference §3.7. */
export const antiPhishSurface = updateOnlyPolicy({
  kind: 'anti-phish',
  title: 'Anti-phishing policy',
  setCmdlet: 'Set-AntiPhishPolicy',
  mdoOnly: false,
  reads: [
    { name: 'antiPhishPolicies', call: { cmdlet: 'Get-AntiPhishPolicy', params: {} } },
    { name: 'antiPhishRules', call: { cmdlet: 'Get-AntiPhishRule', params: {} } },
  ],
  load: (got) => ({
    antiPhish: {
      policies: got('antiPhishPolicies'),
      rules: got('antiPhishRules').map(normaliseRule),
    },
  }),
  objects: (s) => s.antiPhish.policies as unknown as JsonObject[],
  withObjects: (s, o) => ({
    ...s,
    antiPhish: { ...s.antiPhish, policies: o as unknown as AntiPhishPolicy[] },
  }),
  fields: ['ExcludedDomains', 'ExcludedSenders', 'AuthenticationFailAction'],
  // Anti-phishing policies are scoped by the EOP preset rules (Get-EOPProtectionPolicyRule).
  preset: 'EOP',
})
