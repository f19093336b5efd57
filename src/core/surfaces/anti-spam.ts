import type { JsonObject } from '../change.js'
import type { AntiSpamPolicy } from '../model/anti-spam.js'
import { updateOnlyPolicy } from './policy-surface.js'
import { normaliseRule } from './rule-state.js'

/** Anti-spam policies (and the rules that scope them), reference §3.3. */
export const antiSpamSurface = updateOnlyPolicy({
  kind: 'anti-spam',
  title: 'Anti-spam policy',
  setCmdlet: 'Set-HostedContentFilterPolicy',
  mdoOnly: false,
  reads: [
    { name: 'antiSpamPolicies', call: { cmdlet: 'Get-HostedContentFilterPolicy', params: {} } },
    { name: 'antiSpamRules', call: { cmdlet: 'Get-HostedContentFilterRule', params: {} } },
  ],
  load: (got) => ({
    antiSpam: { policies: got('antiSpamPolicies'), rules: got('antiSpamRules').map(normaliseRule) },
  }),
  objects: (s) => s.antiSpam.policies as unknown as JsonObject[],
  withObjects: (s, o) => ({
    ...s,
    antiSpam: { ...s.antiSpam, policies: o as unknown as AntiSpamPolicy[] },
  }),
  fields: [
    'AllowedSenderDomains',
    'AllowedSenders',
    'BulkThreshold',
    'SpamZapEnabled',
    'SpamQuarantineTag',
    'BulkQuarantineTag',
    'SpamAction',
    'HighConfidenceSpamAction',
    'PhishSpamAction',
    'BulkSpamAction',
  ],
  preset: 'EOP',
})
