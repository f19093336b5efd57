/** Device-code sessions (RFC 8628 as Entra runs it), in memory. */
import { randomSecret, userCode } from './ids.js'

export type DeviceState = 'pending' | 'approved' | 'declined' | 'redeemed'

export interface DeviceSession {
  deviceCode: string
  userCode: string
  clientId: string
  scope: string
  /** The tenant the flow was started for, or null for `common` / `organizations`. */
  tenantId: string | null
  createdAt: number
  expiresAt: number
  /** Seconds the client must wait between polls (grows by 5 after each slow_down). */
  interval: number
  lastPollAt: number | null
  state: DeviceState
  /** The browser flow's handle once the code was entered (hidden in the forms). */
  flow: string | null
  /** The account picked on the device-login page. */
  selected: { tenantId: string; upn: string } | null
}

/** How many device codes were issued and redeemed, in all and per client id (for tests). */
export interface DeviceCodeCounts {
  issued: number
  redeemed: number
  issuedByClient: Record<string, number>
}

export class DeviceSessions {
  private readonly byDeviceCode = new Map<string, DeviceSession>()
  /** Polls held until their session leaves `pending` (see `settled`). */
  private readonly waiting = new Map<DeviceSession, Set<() => void>>()
  /** Device-code grants since the sandbox started (never reset by purge). */
  readonly counts: DeviceCodeCounts = { issued: 0, redeemed: 0, issuedByClient: {} }

  create(opts: {
    clientId: string
    scope: string
    tenantId: string | null
    nowMs: number
    lifetimeSeconds: number
    intervalSeconds: number
  }): DeviceSession {
    this.purge(opts.nowMs)
    let code = userCode()
    while (this.byUserCode(code) !== null) code = userCode()
    const session: DeviceSession = {
      deviceCode: randomSecret(48),
      userCode: code,
      clientId: opts.clientId,
      scope: opts.scope,
      tenantId: opts.tenantId,
      createdAt: opts.nowMs,
      expiresAt: opts.nowMs + opts.lifetimeSeconds * 1000,
      interval: opts.intervalSeconds,
      lastPollAt: null,
      state: 'pending',
      flow: null,
      selected: null,
    }
    this.byDeviceCode.set(session.deviceCode, session)
    const client = opts.clientId.toLowerCase()
    this.counts.issued += 1
    this.counts.issuedByClient[client] = (this.counts.issuedByClient[client] ?? 0) + 1
    return session
  }

  byDevice(deviceCode: string): DeviceSession | null {
    return this.byDeviceCode.get(deviceCode) ?? null
  }

  byUserCode(code: string): DeviceSession | null {
    const wanted = code.toUpperCase().replace(/[\s-]/g, '')
    for (const s of this.byDeviceCode.values()) if (s.userCode === wanted) return s
    return null
  }

  byFlow(flow: string): DeviceSession | null {
    if (flow === '') return null
    for (const s of this.byDeviceCode.values()) if (s.flow === flow) return s
    return null
  }

  /** Ends the admin's part: the session is approved or declined, and held polls are answered. */
  settle(session: DeviceSession, state: 'approved' | 'declined'): void {
    session.state = state
    const wake = this.waiting.get(session)
    this.waiting.delete(session)
    for (const w of wake ?? []) w()
  }

  /**
   * Resolves when `session` is approved or declined, or after `ms`, whichever comes first (at
   * once when it is not pending).
   */
  settled(session: DeviceSession, ms: number): Promise<void> {
    if (session.state !== 'pending' || ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      let waiters = this.waiting.get(session)
      if (!waiters) this.waiting.set(session, (waiters = new Set()))
      const done = () => {
        clearTimeout(timer)
        waiters.delete(done)
        if (!waiters.size && this.waiting.get(session) === waiters) this.waiting.delete(session)
        resolve()
      }
      const timer = setTimeout(done, ms)
      waiters.add(done)
    })
  }

  /** Forgets sessions an hour after they expired (polls until then still get expired_token). */
  private purge(nowMs: number): void {
    for (const [k, s] of this.byDeviceCode)
      if (s.expiresAt + 3600_000 < nowMs) this.byDeviceCode.delete(k)
  }
}
