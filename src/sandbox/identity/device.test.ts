import { describe, expect, it } from 'vitest'
import { DeviceSessions } from './device.js'

const session = (s: DeviceSessions) =>
  s.create({
    clientId: 'client',
    scope: 'scope',
    tenantId: null,
    nowMs: Date.now(),
    lifetimeSeconds: 900,
    intervalSeconds: 0.05,
  })

describe('DeviceSessions.settled (a held poll)', () => {
  it('resolves when the admin approves, before its time is up', async () => {
    const s = new DeviceSessions()
    const d = session(s)
    const t0 = Date.now()
    const held = s.settled(d, 60_000)
    s.settle(d, 'approved')
    await held
    expect(d.state).toBe('approved')
    expect(Date.now() - t0).toBeLessThan(30_000)
  })

  it('resolves every poll held on the session when the admin declines', async () => {
    const s = new DeviceSessions()
    const d = session(s)
    const both = Promise.all([s.settled(d, 60_000), s.settled(d, 60_000)])
    s.settle(d, 'declined')
    await both
    expect(d.state).toBe('declined')
  })

  it('resolves after its time when nobody acts, the session still pending', async () => {
    const s = new DeviceSessions()
    const d = session(s)
    await s.settled(d, 5)
    expect(d.state).toBe('pending')
  })

  it('does not wait for a session that is no longer pending', async () => {
    const s = new DeviceSessions()
    const d = session(s)
    s.settle(d, 'approved')
    const t0 = Date.now()
    await s.settled(d, 60_000)
    expect(Date.now() - t0).toBeLessThan(30_000)
  })
})
