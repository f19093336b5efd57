/**
 * An unknown vendor id is quoted as parameter validation quotes a value (review first-use-2026-12,
 * item 11i): the first 60 characters and its length, in the message and in the details alike.
 * A 100,000-character id was echoed to 4,000 characters in text and twice in full in --json
 * (200 KB), with a "Did you mean" naming an unrelated vendor; now the refusal is under 1 KB, and
 * a suggestion is made only when it is close to what was typed.
 */
import { describe, expect, it } from 'vitest'
import { passage } from '../app/cli-process.js'

const HUGE = 'x'.repeat(100_000)

describe('an unknown vendor id', () => {
  it('is cut to 60 characters with its length in text: exit 2, under 1 KB, no unrelated suggestion', async () => {
    const r = await passage('vendor', 'show', HUGE)
    expect(r.code).toBe(2)
    expect(Buffer.byteLength(r.stdout + r.stderr)).toBeLessThan(1024)
    expect(r.stderr).toContain('PASSAGE_E_VENDOR_UNKNOWN')
    expect(r.stderr).toContain(`'${'x'.repeat(60)}… (100000 characters)'`)
    expect(r.stderr).not.toContain('Did you mean')
  }, 30_000)

  it('is cut the same way in --json, message and details: exit 2, under 1 KB', async () => {
    const r = await passage('vendor', 'show', HUGE, '--json')
    expect(r.code).toBe(2)
    expect(Buffer.byteLength(r.stdout + r.stderr)).toBeLessThan(1024)
    const { error } = JSON.parse(r.stdout) as {
      error: { code: string; message: string; hint: string; details: Record<string, unknown> }
    }
    expect(error.code).toBe('PASSAGE_E_VENDOR_UNKNOWN')
    expect(error.details.id).toBe(`${'x'.repeat(60)}… (100000 characters)`)
    expect(error.details.suggestion).toBeUndefined()
    expect(error.hint).not.toContain('Did you mean')
  }, 30_000)

  it('suggests a vendor only when it is close: a typo yes, an unrelated word no', async () => {
    const typo = await passage('vendor', 'show', 'knowbe5', '--json')
    expect(typo.code).toBe(2)
    expect(JSON.parse(typo.stdout).error.details.suggestion).toBe('knowbe4')
    const far = await passage('vendor', 'show', 'zzzz', '--json')
    expect(far.code).toBe(2)
    const e = JSON.parse(far.stdout).error
    expect(e.details.suggestion).toBeUndefined()
    expect(e.hint).not.toContain('Did you mean')
  }, 30_000)
})
