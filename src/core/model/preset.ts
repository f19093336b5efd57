import { z } from 'zod'
import { RecipientScope } from './common.js'

/**
 * A preset security policy rule (Get-EOPProtectionPolicyRule / Get-ATPProtectionPolicyRule): who
 * the Standard or Strict preset covers. Presets win over every custom and default policy.
 */
export const PresetRule = RecipientScope.extend({
  Name: z.string(),
  Preset: z.enum(['Standard', 'Strict']),
  Kind: z.enum(['EOP', 'ATP']),
  State: z.enum(['Enabled', 'Disabled']).default('Enabled'),
  Priority: z.number().int().min(0).default(0),
})
export type PresetRule = z.infer<typeof PresetRule>
