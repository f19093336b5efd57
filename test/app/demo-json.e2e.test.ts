/**
 * `passage demo --json` through the built CLI (npm test builds dist/ first): JSON lines only on
 * stdout, so that a script can read every line; the outcome is the last line.
 */
import { describe, expect, it } from 'vitest'
import { passage } from './cli-process.js'

describe('passage demo --json', () => {
  it('prints only JSON lines on stdout, the timing and then the outcome last', async () => {
    const r = await passage('demo', '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    const events = lines.map((l) => {
      try {
        return JSON.parse(l) as { type?: string; equal?: boolean; failures?: string[] }
      } catch {
        throw new Error(`not a JSON line on stdout: ${l}`)
      }
    })
    expect(events.every((e) => typeof e.type === 'string')).toBe(true)
    expect(events.at(-2)?.type).toBe('timing')
    expect(events.at(-1)).toMatchObject({ type: 'done', equal: true, failures: [] })
  }, 90_000)
})
