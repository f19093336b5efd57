import type { JsonObject } from '../change.js'
import type { SafeAttachmentPolicy } from '../model/safe-attachments.js'
import { updateOnlyPolicy } from './policy-surface.js'
import { normaliseRule } from './rule-state.js'

/**
 * Safe Attachments policies (Defender only), reference §3.6. Passage has no mechanism that
 * changes them today (Safe Attachments is skipped by a scoped mail flow rule or advanced
 * delivery), so no field is settable: the surface reads them for discover, check and the
 * evaluator, and refuses any change a plan file asks for.
 */
export const safeAttachmentsSurface = updateOnlyPolicy({
  kind: 'safe-attachments',
  title: 'Safe Attachments policy',
  setCmdlet: 'Set-SafeAttachmentPolicy',
  mdoOnly: true,
  reads: [
    {
      name: 'safeAttachmentPolicies',
      call: { cmdlet: 'Get-SafeAttachmentPolicy', params: {} },
      defender: true,
    },
    {
      name: 'safeAttachmentRules',
      call: { cmdlet: 'Get-SafeAttachmentRule', params: {} },
      defender: true,
    },
  ],
  load: (got, defender) => ({
    safeAttachments: defender
      ? {
          policies: got('safeAttachmentPolicies'),
          rules: got('safeAttachmentRules').map(normaliseRule),
        }
      : null,
  }),
  objects: (s) => (s.safeAttachments?.policies ?? []) as unknown as JsonObject[],
  withObjects: (s, o) =>
    s.safeAttachments
      ? {
          ...s,
          safeAttachments: {
            ...s.safeAttachments,
            policies: o as unknown as SafeAttachmentPolicy[],
          },
        }
      : s,
  fields: [],
  preset: 'ATP',
})
