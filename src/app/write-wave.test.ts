import { describe, expect, it } from 'vitest'
import type { CmdletCall } from '../core/cmdlet.js'
import { PassageError } from '../core/errors/index.js'
import type { BatchOutcome, CmdletResult } from '../exchange/index.js'
import { lostWithItsBatch, WriteWave, type WaveClient } from './write-wave.js'

const call = (name: string): CmdletCall => ({ cmdlet: 'New-TransportRule', params: { Name: name } })
const tick = () => new Promise((r) => setImmediate(r))

/** A client that records each round and answers per call (a name starting with "bad" fails). */
function client() {
  const rounds: string[][] = []
  const answer = (c: CmdletCall): BatchOutcome =>
    String(c.params.Name).startsWith('bad')
      ? { ok: false, error: new PassageError('PASSAGE_E_EXO_FAILED', `${c.params.Name} failed`) }
      : { ok: true, objects: [{ Name: c.params.Name }], warnings: [] }
  const exo: WaveClient = {
    async invoke(c): Promise<CmdletResult> {
      rounds.push([`invoke ${String(c.params.Name)}`])
      const o = answer(c)
      if (!o.ok) throw o.error
      return { objects: o.objects, warnings: o.warnings }
    },
    async batch(calls) {
      rounds.push(calls.map((c) => String(c.params.Name)))
      return calls.map(answer)
    },
  }
  return { exo, rounds }
}

describe('WriteWave', () => {
  it('sends the writes of the steps in flight as one $batch, each with its own outcome', async () => {
    const { exo, rounds } = client()
    const wave = new WriteWave(exo)
    wave.begin()
    wave.begin()
    wave.begin()
    const out = await Promise.allSettled([
      wave.invoke(call('a')),
      wave.invoke(call('bad-b')),
      wave.invoke(call('c')),
    ])
    expect(rounds).toEqual([['a', 'bad-b', 'c']])
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(out[0]).toMatchObject({ value: { objects: [{ Name: 'a' }] } })
    expect(out[1]).toMatchObject({ reason: { code: 'PASSAGE_E_EXO_FAILED' } })
  })

  it('sends a lone write with InvokeCommand', async () => {
    const { exo, rounds } = client()
    const wave = new WriteWave(exo)
    wave.begin()
    await wave.invoke(call('a'))
    expect(rounds).toEqual([['invoke a']])
  })

  it('waits for a step still busy (journaling) and lets a step that ends without a write go', async () => {
    const { exo, rounds } = client()
    const wave = new WriteWave(exo)
    wave.begin()
    wave.begin()
    wave.begin()
    const a = wave.invoke(call('a'))
    await tick()
    await tick()
    expect(rounds).toEqual([])
    // The second step was already in effect: it ends without writing.
    wave.end()
    await tick()
    expect(rounds).toEqual([])
    const c = wave.invoke(call('c'))
    await Promise.all([a, c])
    expect(rounds).toEqual([['a', 'c']])
  })

  it('puts the changes a step ending lets start in the same round as the rest', async () => {
    const { exo, rounds } = client()
    const wave = new WriteWave(exo)
    wave.begin()
    wave.begin()
    const a = wave.invoke(call('a'))
    // The other step ends; the scheduler then starts two changes that waited for it, in promise
    // callbacks of the same turn.
    wave.end()
    const started = Promise.resolve().then(() => {
      wave.begin()
      wave.begin()
      return Promise.all([wave.invoke(call('b')), wave.invoke(call('c'))])
    })
    await Promise.all([a, started])
    expect(rounds).toEqual([['a', 'b', 'c']])
  })

  it('rejects every write of a round whose batch throws', async () => {
    const exo: WaveClient = {
      invoke: () => Promise.reject(new Error('unused')),
      batch: () => Promise.reject(new PassageError('PASSAGE_E_NETWORK', 'gone')),
    }
    const wave = new WriteWave(exo)
    wave.begin()
    wave.begin()
    const out = await Promise.allSettled([wave.invoke(call('a')), wave.invoke(call('b'))])
    expect(out.map((o) => o.status)).toEqual(['rejected', 'rejected'])
  })
})

describe('lostWithItsBatch', () => {
  it('marks the error of a $batch whose answer was lost for all its items, and no other', async () => {
    const lost = new PassageError('PASSAGE_E_NETWORK', 'No answer for $batch', {
      details: { mayHaveRun: true },
    })
    const own = new PassageError('PASSAGE_E_EXO_FAILED', 'refused')
    const exo: WaveClient = {
      invoke: () => Promise.reject(own),
      batch: async (calls) =>
        calls.map((c) =>
          c.params.Name === 'refused' ? { ok: false, error: own } : { ok: false, error: lost },
        ),
    }
    const wave = new WriteWave(exo)
    for (let i = 0; i < 3; i++) wave.begin()
    const out = await Promise.allSettled([
      wave.invoke(call('a')),
      wave.invoke(call('b')),
      wave.invoke(call('refused')),
    ])
    const reasons = out.map((o) => (o.status === 'rejected' ? (o.reason as unknown) : null))
    // One error shared by several items: the batch's answer was lost as a whole.
    expect(reasons.map(lostWithItsBatch)).toEqual([true, true, false])
    // A lone write's failure is its own.
    const alone = new WriteWave(exo)
    alone.begin()
    const e = await alone.invoke(call('c')).catch((x: unknown) => x)
    expect(lostWithItsBatch(e)).toBe(false)
  })
})
