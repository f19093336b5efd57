import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { openStore } from '../store/index.js'
import { holderIsDeadHere, takeLease } from './lease.js'

const TENANT = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b'

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  })
  return Number(r.stdout)
}

describe('tenant lease', () => {
  it('knows a holder on this machine whose process is gone', () => {
    expect(holderIsDeadHere(`cli on ${hostname()} pid ${deadPid()} abcd1234`)).toBe(true)
    expect(holderIsDeadHere(`cli on ${hostname()} pid ${process.ppid} abcd1234`)).toBe(false)
    expect(holderIsDeadHere(`cli on another-host pid ${deadPid()} abcd1234`)).toBe(false)
    expect(holderIsDeadHere('an old holder without host')).toBe(false)
  })

  it('refuses a live holder and takes over from a dead one at once', async () => {
    const store = await openStore(':memory:')
    try {
      const first = await takeLease(store, TENANT, 'cli')
      await expect(takeLease(store, TENANT, 'cli')).rejects.toMatchObject({
        code: 'PASSAGE_E_LEASE_HELD',
      })
      await first.release()
      const dead = `cli on ${hostname()} pid ${deadPid()} deadbeef`
      expect((await store.acquireLease(TENANT, dead, null, 60_000)).ok).toBe(true)
      const next = await takeLease(store, TENANT, 'cli')
      expect(next.holder).not.toBe(dead)
      await next.release()
    } finally {
      await store.close()
    }
  })
})
