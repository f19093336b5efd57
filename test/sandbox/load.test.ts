import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { invoke } from './helpers.js'
import { GW, P2, tokenCache, who, TEST_CERTS } from './fixtures.js'

// A bounded load test on loopback: 200 concurrent requests, no fault spec, all answered.
// Throughput is printed by bench/sandbox-load.ts, not asserted here.
let sb: RunningSandbox
const token = tokenCache(() => sb)

beforeAll(async () => {
  sb = await startSandbox({ certDir: TEST_CERTS })
})
afterAll(async () => {
  await sb?.close()
})

describe('load', () => {
  it('answers 200 concurrent admin API requests without an error', async () => {
    const [a, b] = await Promise.all([token(P2, who.global), token(GW, who.global)])
    const calls = Array.from({ length: 200 }, (_, i) =>
      i % 2
        ? invoke(sb, a, P2.id, 'Get-HostedConnectionFilterPolicy')
        : invoke(
            sb,
            b,
            GW.id,
            'Get-TransportRule',
            {},
            { headers: { prefer: 'odata.maxpagesize=20' } },
          ),
    )
    const answers = await Promise.all(calls)
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((s) => s !== 200)).toEqual([])
    expect(answers.every((r) => Array.isArray(r.json.value))).toBe(true)
  })
})
