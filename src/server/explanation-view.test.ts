/**
 * The wizard's explained headers are worded fields (review first-use-2026-12, item 10a), not the
 * lines `passage explain` prints: what Microsoft decided, what it found in words ("spam", never
 * "SPM"), why and at which stage, and each finding with the header line it comes from.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { explain } from '../app/explain.js'
import { explanationView } from './views.js'

const viewOf = (file: string) =>
  explanationView(explain(readFileSync(`examples/headers/${file}`, 'utf8')).analysis)

/** Every string of the worded fields (the raw values and the journey left out). */
function wordedText(v: ReturnType<typeof explanationView>): string {
  return JSON.stringify([
    v.decision,
    v.detected,
    v.why,
    v.stage,
    v.trust,
    v.levels,
    v.authentication,
    v.evidence.map((e) => [e.finding, e.header]),
  ])
}

describe('explained headers in the wizard', () => {
  it('say what Microsoft decided, what it found, why and where, in words', () => {
    const v = viewOf('junked-spam.eml')
    expect(v.decision).toBe('Junk Email, as the mailbox recorded it.')
    expect(v.detected).toBe('spam')
    expect(v.why).toBe('Spam found: Junk Email')
    expect(v.stage).toBe('Anti-spam')
    expect(v.levels[0]).toBe('Spam confidence level 5: spam')
    expect(v).not.toHaveProperty('lines')
  })

  it('give each finding with the header it came from, never a category code or a `<-`', () => {
    const v = viewOf('junked-spam.eml')
    expect(v.evidence).toContainEqual({
      finding: 'Detected: spam',
      header: 'X-Forefront-Antispam-Report',
      value: 'CAT:SPM',
    })
    expect(v.evidence).toContainEqual(
      expect.objectContaining({
        finding: 'Landed in Junk Email',
        header: 'X-Microsoft-Antispam-Mailbox-Delivery',
      }),
    )
    const text = wordedText(v)
    expect(text).not.toContain('<-')
    expect(text).not.toMatch(/\b(SPM|CAT|SFV|SKN|dest:J)\b/)
  })

  it('word a mail flow rule’s bypass by what SFV:SKN means', () => {
    const v = viewOf('scl-minus-one-rule.eml')
    expect(v.stage).toBe('Mail flow rules')
    expect(v.why).toBe('A mail flow rule lets the message past spam filtering: Inbox')
    expect(v.evidence.map((e) => e.finding)).toContain(
      'Skipped spam filtering: a mail flow (transport) rule set SCL -1 ("Bypass spam filtering")',
    )
  })

  it('say that a forged or partial report is not confirmed', () => {
    const v = viewOf('forged-report.eml')
    expect(v.decision).toMatch(/^Not confirmed: /)
    expect(v.trust).toMatch(/^No: /)
  })
})
