import { describe, expect, it } from 'vitest'
import { progressBar, progressDisplay, progressWords, type ProgressSink } from './progress-bar.js'

function sink(isTTY: boolean) {
  const out: string[] = []
  let t = 0
  const s: ProgressSink & { out: string[]; advance(ms: number): void } = {
    isTTY,
    out,
    write: (text) => void out.push(text),
    now: () => t,
    advance: (ms) => void (t += ms),
  }
  return s
}

describe('progress words and bar', () => {
  it('counts everything not queued or running as finished, and lists only non-zero states', () => {
    expect(progressWords({ queued: 5, running: 2, done: 3, failed: 0 }, 10, 'apply')).toBe(
      'apply: 3/10 finished (queued 5, running 2, done 3)',
    )
  })

  it('fills the bar in proportion, and full when there is nothing to do', () => {
    expect(progressBar(0, 4, 8)).toBe('[........]')
    expect(progressBar(1, 4, 8)).toBe('[##......]')
    expect(progressBar(4, 4, 8)).toBe('[########]')
    expect(progressBar(0, 0, 8)).toBe('[########]')
  })

  it('never overfills when counts run ahead of the total', () => {
    expect(progressBar(5, 4, 8)).toBe('[########]')
  })
})

describe('progress display on a terminal', () => {
  it('redraws one line in place on every update and ends it with one newline', () => {
    const s = sink(true)
    const d = progressDisplay('apply', s)
    d.update({ queued: 2 }, 2)
    d.update({ queued: 1, done: 1 }, 2)
    d.update({ done: 2 }, 2)
    d.end()
    expect(s.out).toHaveLength(4)
    for (const line of s.out.slice(0, 3)) expect(line.startsWith('\r\x1b[2K[')).toBe(true)
    expect(s.out[2]).toContain('apply: 2/2 finished (done 2)')
    expect(s.out[3]).toBe('\n')
  })

  it('writes no newline at the end when nothing was drawn', () => {
    const s = sink(true)
    progressDisplay('check', s).end()
    expect(s.out).toEqual([])
  })
})

describe('progress display in a log (not a terminal)', () => {
  it('writes plain lines without control characters', () => {
    const s = sink(false)
    progressDisplay('plan', s).update({ queued: 3 }, 3)
    expect(s.out).toEqual(['plan: 0/3 finished (queued 3)\n'])
  })

  it('skips unchanged counts and changes within 2 s, but always writes the final counts', () => {
    const s = sink(false)
    const d = progressDisplay('apply', s)
    d.update({ queued: 3 }, 3)
    d.update({ queued: 3 }, 3) // unchanged
    s.advance(500)
    d.update({ queued: 2, done: 1 }, 3) // changed, but within 2 s
    s.advance(500)
    d.update({ done: 3 }, 3) // final: written at once
    d.update({ done: 3 }, 3) // unchanged final: not repeated
    d.end()
    expect(s.out).toEqual(['apply: 0/3 finished (queued 3)\n', 'apply: 3/3 finished (done 3)\n'])
  })

  it('writes a changed line once 2 s have passed', () => {
    const s = sink(false)
    const d = progressDisplay('apply', s)
    d.update({ queued: 3 }, 3)
    s.advance(2000)
    d.update({ queued: 2, running: 1 }, 3)
    expect(s.out[1]).toBe('apply: 0/3 finished (queued 2, running 1)\n')
  })

  it('takes the label of an update over the display label', () => {
    const s = sink(false)
    progressDisplay('apply', s).update({ queued: 1 }, 1, 'canary')
    expect(s.out[0]).toMatch(/^canary: /)
  })
})
