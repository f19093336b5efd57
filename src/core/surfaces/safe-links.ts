import type { JsonObject } from '../change.js'
import type { SafeLinksPolicy } from '../model/safe-links.js'
import { updateOnlyPolicy } from './policy-surface.js'
import { normaliseRule } from './rule-state.js'

/** Safe Links policies (Defender only), reference §3.5. */
export const safeLinksSurface = updateOnlyPolicy({
  kind: 'safe-links',
  title: 'Safe Links policy',
  setCmdlet: 'Set-SafeLinksPolicy',
  mdoOnly: true,
  reads: [
    {
      name: 'safeLinksPolicies',
      call: { cmdlet: 'Get-SafeLinksPolicy', params: {} },
      defender: true,
    },
    { name: 'safeLinksRules', call: { cmdlet: 'Get-SafeLinksRule', params: {} }, defender: true },
  ],
  load: (got, defender) => ({
    safeLinks: defender
      ? { policies: got('safeLinksPolicies'), rules: got('safeLinksRules').map(normaliseRule) }
      : null,
  }),
  objects: (s) => (s.safeLinks?.policies ?? []) as unknown as JsonObject[],
  withObjects: (s, o) =>
    s.safeLinks
      ? { ...s, safeLinks: { ...s.safeLinks, policies: o as unknown as SafeLinksPolicy[] } }
      : s,
  fields: ['DoNotRewriteUrls'],
  preset: 'ATP',
})
