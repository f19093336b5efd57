import { describe, expect, it } from 'vitest'
import { planFromSnapshot } from '../app/plan-use-case.js'
import { formatPlan } from './format-plan.js'

// plan.preset.exception as `passage plan` prints it: the preset note says whether the exception
// is chosen, and how to ask for it when it is not.
const request = (extra: { presetExceptions?: string[] } = {}) => ({
  vendor: 'contactmonkey',
  params: { region: 'us', dedicatedIp: '167.89.10.20' },
  snapshotPath: 'examples/defender-p2-standard-preset.json',
  mode: 'recommended',
  now: '2026-11-20T09:00:00Z',
  ...extra,
})

describe('plan.preset.exception in the printed plan', () => {
  it('not chosen: who stays unchanged, the option as theirs to choose, and how to ask for it', () => {
    const text = formatPlan(planFromSnapshot(request()))
    expect(text).toContain('Recipients this plan leaves unchanged')
    expect(text).toMatch(/- if you choose: Take members of finance@contoso.com out of the Standard/)
    expect(text).toMatch(/unless you ask for the exception by name \(--preset-exception standard/)
    expect(text).not.toMatch(/chosen, change/)
  })

  it('chosen: each exception marked with its change, high risk, and its PowerShell', () => {
    const text = formatPlan(planFromSnapshot(request({ presetExceptions: ['standard'] })))
    expect(text).toContain('Recipients a preset security policy covers')
    expect(text).toMatch(
      /- chosen, change c\d+: Take members of finance@contoso.com out .* \[high risk\]/,
    )
    expect(text).toMatch(
      /PowerShell: Set-EOPProtectionPolicyRule -Identity 'Standard Preset Security Policy' -ExceptIfSentToMemberOf @\('finance@contoso.com'\)/,
    )
    expect(text).toMatch(/passage makes only the change marked chosen, because you asked for it/)
  })
})
