import { describe, expect, it } from 'vitest'
import { isPassageError, type PassageError } from '../errors/index.js'
import { renderCall } from '../powershell/render.js'
import { applyChanges, applyThenUndo } from '../surfaces/index.js'
import { reviewPlan } from './guard.js'
import { planHashValid, plan } from './plan.js'
import { parsePresetNames } from './presets.js'
import { COMMS, makeDefenderSnapshot, NOW, vendor } from './test-fixtures.js'

// ms-rule: plan.preset.exception
// Taking a preset's recipients out of it (Set-ATPProtectionPolicyRule.md / Set-EOPProtectionPolicyRule.md:
// -ExceptIfSentToMemberOf replaces the whole list) is planned only when the admin names the preset.
const snapshot = makeDefenderSnapshot({
  presets: [
    {
      Name: 'Standard Preset Security Policy',
      Preset: 'Standard',
      Kind: 'ATP',
      SentToMemberOf: ['finance@fabrikam.com'],
      ExceptIfSentTo: ['ceo@fabrikam.com'],
    },
  ],
  directory: {
    groups: [{ address: 'finance@fabrikam.com', members: ['a@fabrikam.com'] }],
  },
})
const acme = vendor(COMMS, { dedicatedIp: '167.89.10.20' })
const asked = plan(acme, { mode: 'recommended', presetExceptions: ['Standard'] }, snapshot, {
  now: NOW,
})
const exceptionOf = (p: typeof asked) => p.changes.find((c) => c.surface === 'preset-rule')

function refusal(fn: () => unknown): PassageError {
  try {
    fn()
  } catch (e) {
    if (isPassageError(e)) return e
    throw e
  }
  throw new Error('expected a refusal')
}

describe('plan.preset.exception: an explicit, high-risk choice', () => {
  it('is never chosen by the recommended or recipe mode: the note offers it, not chosen', () => {
    for (const mode of ['recommended', 'recipe'] as const) {
      const p = plan(acme, { mode }, snapshot, { now: NOW })
      expect(exceptionOf(p), mode).toBeUndefined()
      const option = p.presets?.[0]?.options.find((o) => o.id === 'preset-exception')
      expect(option?.chosen, mode).toBe(false)
      expect(option?.risk).toBe('high')
    }
  })

  it('is planned when the admin names the preset: the exceptions it had plus the preset’s own recipients, high risk', () => {
    const c = exceptionOf(asked)
    expect(c).toMatchObject({
      surface: 'preset-rule',
      op: 'update',
      target: 'ATP:Standard Preset Security Policy',
      set: { ExceptIfSentToMemberOf: ['finance@fabrikam.com'] },
      risk: { level: 'high' },
    })
    expect(c?.risk.reason).toMatch(/lose its protection for all their mail/)
    expect(c?.calls).toEqual([
      {
        cmdlet: 'Set-ATPProtectionPolicyRule',
        params: {
          Identity: 'Standard Preset Security Policy',
          ExceptIfSentToMemberOf: ['finance@fabrikam.com'],
        },
      },
    ])
    expect(planHashValid(asked)).toBe(true)
  })

  it('says in the preset note that it is chosen, and shows the PowerShell the change sends', () => {
    const note = asked.presets?.[0]
    const option = note?.options.find((o) => o.id === 'preset-exception')
    const c = exceptionOf(asked)
    expect(option).toMatchObject({ chosen: true, changeId: c?.id })
    expect(option?.powershell).toBe(c?.calls.map(renderCall).join('\n'))
    expect(option?.consequence).toMatch(/for all their mail/)
    expect(note?.why).toMatch(/You chose to take them out of the preset/)
    // Check compares the preset's scope with the one after the exception.
    expect(note?.scope.ExceptIfSentToMemberOf).toEqual(['finance@fabrikam.com'])
    // The protections it kept from them now reach them: nobody is named as left unchanged.
    expect(
      asked.protections.find((x) => x.protection === 'safe-links')?.unchangedFor,
    ).toBeUndefined()
    const without = plan(acme, { mode: 'recommended' }, snapshot, { now: NOW })
    expect(without.protections.find((x) => x.protection === 'safe-links')?.unchangedFor).toMatch(
      /finance@fabrikam.com/,
    )
  })

  it('refuses a preset name it does not know, with the input code and a hint naming the presets', () => {
    const e = refusal(() => parsePresetNames(['standard', 'Lenient']))
    expect(e.code).toBe('PASSAGE_E_INPUT')
    expect(e.message).toBe("Unknown preset 'Lenient'.")
    expect(e.hint).toMatch(/standard, strict/)
    expect(parsePresetNames(['Standard', 'STRICT'])).toEqual(['Standard', 'Strict'])
  })

  it('refuses a preset that keeps nobody out of the plan’s changes', () => {
    const e = refusal(() =>
      plan(acme, { mode: 'recommended', presetExceptions: ['Strict'] }, snapshot, { now: NOW }),
    )
    expect(e.code).toBe('PASSAGE_E_INPUT')
    expect(e.message).toMatch(/Strict preset has nobody passage can take out of it for this plan/)
  })

  it('takes the recipients out in the snapshot the plan leaves, and undo restores the lists exactly', () => {
    const after = applyChanges(snapshot, asked.changes)
    expect(after.presets[0]?.ExceptIfSentToMemberOf).toEqual(['finance@fabrikam.com'])
    expect(after.presets[0]?.ExceptIfSentTo).toEqual(['ceo@fabrikam.com'])
    const { restored } = applyThenUndo(snapshot, asked.changes)
    expect(restored.presets).toEqual(snapshot.presets)
  })

  it('passes the guard as planned; a change adding anyone else to the exceptions is forged', () => {
    expect(reviewPlan(asked, acme, snapshot, NOW).refusals).toEqual([])
    const forged = {
      ...asked,
      changes: asked.changes.map((c) =>
        c.surface === 'preset-rule'
          ? { ...c, set: { ExceptIfSentToMemberOf: ['finance@fabrikam.com', 'all@fabrikam.com'] } }
          : c,
      ),
    }
    const refusals = reviewPlan(forged, acme, snapshot, NOW).refusals
    expect(refusals.map((r) => r.code)).toContain('PASSAGE_E_PLAN_FORGED')
    expect(refusals.map((r) => r.message).join('\n')).toMatch(
      /other than the ones it has plus the preset's own recipients/,
    )
    // A preset change the plan's note does not name as the admin's choice is forged too.
    const unchosen = {
      ...asked,
      presets: asked.presets?.map((n) => ({
        ...n,
        options: n.options.map((o) => ({ ...o, chosen: false })),
      })),
    }
    expect(reviewPlan(unchosen, acme, snapshot, NOW).refusals.map((r) => r.message)).toEqual([
      expect.stringMatching(/which the plan does not name as the admin's choice/),
    ])
  })
})
