import { describe, expect, it } from 'vitest'
import type { Audience } from './config.js'
import { EXPIRY_MARGIN_S, MEMO_MS, memoTokens } from './token-memo.js'
import type { TokenProvider, TokenRequestOptions } from './tokens.js'

/** An unsigned JWT whose payload is `claims` (readClaims only decodes it). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`
}

/** A provider that hands out a new token on every call, each expiring `lifeS` seconds on. */
function counting(clock: { ms: number }, lifeS: number | null) {
  const asked: { audience: Audience; opts: TokenRequestOptions }[] = []
  const provider: TokenProvider = {
    async getToken(audience, opts = {}) {
      asked.push({ audience, opts })
      const n = asked.length
      return lifeS === null
        ? `opaque-${n}`
        : jwt({ tid: 't', n, exp: Math.floor(clock.ms / 1000) + lifeS })
    },
  }
  return { provider, asked }
}

describe('memoTokens (a token reused for a few seconds instead of asking msal per request)', () => {
  it('hands the same token out again within MEMO_MS, then asks the provider again', async () => {
    const clock = { ms: 1_000_000_000 }
    const { provider, asked } = counting(clock, 3600)
    const tokens = memoTokens(provider, () => clock.ms)
    const first = await tokens.getToken('exchange')
    expect(await tokens.getToken('exchange')).toBe(first)
    clock.ms += MEMO_MS - 1
    expect(await tokens.getToken('exchange')).toBe(first)
    expect(asked).toHaveLength(1)
    clock.ms += 1
    expect(await tokens.getToken('exchange')).not.toBe(first)
    expect(asked).toHaveLength(2)
  })

  it('keeps one token per audience', async () => {
    const clock = { ms: 1_000_000_000 }
    const { provider, asked } = counting(clock, 3600)
    const tokens = memoTokens(provider, () => clock.ms)
    const exo = await tokens.getToken('exchange')
    const graph = await tokens.getToken('graph')
    expect(graph).not.toBe(exo)
    expect(await tokens.getToken('exchange')).toBe(exo)
    expect(await tokens.getToken('graph')).toBe(graph)
    expect(asked.map((a) => a.audience)).toEqual(['exchange', 'graph'])
  })

  it('never reuses a token within EXPIRY_MARGIN_S of its expiry (msal would renew it)', async () => {
    const clock = { ms: 1_000_000_000 }
    const { provider, asked } = counting(clock, EXPIRY_MARGIN_S + 10)
    const tokens = memoTokens(provider, () => clock.ms)
    const first = await tokens.getToken('exchange')
    clock.ms += 9_000
    expect(await tokens.getToken('exchange')).toBe(first)
    clock.ms += 1_000
    expect(await tokens.getToken('exchange')).not.toBe(first)
    expect(asked).toHaveLength(2)
    // Already inside the margin when handed out: not kept at all.
    const short = memoTokens(counting(clock, EXPIRY_MARGIN_S).provider, () => clock.ms)
    expect(await short.getToken('exchange')).not.toBe(await short.getToken('exchange'))
  })

  it('passes a forced refresh through and keeps the new token', async () => {
    const clock = { ms: 1_000_000_000 }
    const { provider, asked } = counting(clock, 3600)
    const tokens = memoTokens(provider, () => clock.ms)
    const first = await tokens.getToken('exchange')
    const fresh = await tokens.getToken('exchange', { forceRefresh: true })
    expect(fresh).not.toBe(first)
    expect(asked[1]!.opts.forceRefresh).toBe(true)
    expect(await tokens.getToken('exchange')).toBe(fresh)
    expect(asked).toHaveLength(2)
  })

  it('does not keep a token that is not a JWT with an expiry', async () => {
    const clock = { ms: 1_000_000_000 }
    const { provider, asked } = counting(clock, null)
    const tokens = memoTokens(provider, () => clock.ms)
    expect(await tokens.getToken('exchange')).toBe('opaque-1')
    expect(await tokens.getToken('exchange')).toBe('opaque-2')
    expect(asked).toHaveLength(2)
  })

  it('forgets every token on forget (sign-out)', async () => {
    const clock = { ms: 1_000_000_000 }
    const { provider, asked } = counting(clock, 3600)
    const tokens = memoTokens(provider, () => clock.ms)
    const first = await tokens.getToken('exchange')
    tokens.forget()
    expect(await tokens.getToken('exchange')).not.toBe(first)
    expect(asked).toHaveLength(2)
  })

  it('lets a refusal through and keeps nothing', async () => {
    let fail = true
    const tokens = memoTokens({
      async getToken() {
        if (fail) throw new Error('AADSTS700027')
        return jwt({ exp: Math.floor(Date.now() / 1000) + 3600 })
      },
    })
    await expect(tokens.getToken('exchange')).rejects.toThrow('AADSTS700027')
    fail = false
    const t = await tokens.getToken('exchange')
    expect(await tokens.getToken('exchange')).toBe(t)
  })

  it('asks the provider once for calls that come while it is asked (per audience); a refusal is every waiter’s', async () => {
    const clock = { ms: 1_000_000_000 }
    const asked: Audience[] = []
    const answers: { audience: Audience; settle: (ok: boolean) => void }[] = []
    const provider: TokenProvider = {
      getToken: (audience) =>
        new Promise<string>((resolve, reject) => {
          asked.push(audience)
          answers.push({
            audience,
            settle: (ok) =>
              ok
                ? resolve(
                    jwt({
                      aud: audience,
                      n: asked.length,
                      exp: Math.floor(clock.ms / 1000) + 3600,
                    }),
                  )
                : reject(new Error('AADSTS700027')),
          })
        }),
    }
    const tokens = memoTokens(provider, () => clock.ms)
    const graph = [tokens.getToken('graph'), tokens.getToken('graph'), tokens.getToken('graph')]
    const exchange = tokens.getToken('exchange')
    // One request per audience while the first is out, not one per caller.
    expect(asked).toEqual(['graph', 'exchange'])
    for (const a of answers) a.settle(true)
    const got = await Promise.all(graph)
    expect(new Set(got).size).toBe(1)
    expect(await exchange).not.toBe(got[0])
    // A forced refresh never waits for (nor joins) another call.
    const forced = tokens.getToken('graph', { forceRefresh: true })
    expect(asked).toHaveLength(3)
    answers[2]!.settle(true)
    expect(await forced).not.toBe(got[0])
    // A refusal reaches every caller that waited for it; the next call asks again.
    clock.ms += MEMO_MS
    const failing = [tokens.getToken('exchange'), tokens.getToken('exchange')]
    expect(asked).toHaveLength(4)
    answers[3]!.settle(false)
    for (const f of failing) await expect(f).rejects.toThrow('AADSTS700027')
    void tokens.getToken('exchange')
    expect(asked).toHaveLength(5)
  })
})
