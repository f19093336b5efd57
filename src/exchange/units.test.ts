/** Pure parts: parameter encoding, licence detection, backoff, Retry-After, the semaphore, claims. */
import { describe, expect, it } from 'vitest'
import { hashtable, SWITCH, utcDate } from '../core/cmdlet.js'
import { fakeJwt } from '../../test/exchange/peer.js'
import { readClaims } from './claims.js'
import { normaliseTenant, resolveEndpoints, sandboxEndpoints, defaultScope } from './config.js'
import { encodeValue, invokeBody } from './encode.js'
import { detectLicence } from './licence.js'
import { backoffMs, classifyStatus, DEFAULT_RETRY, retryAfterMs } from './retry.js'
import { Semaphore } from './semaphore.js'

describe('parameter encoding (§1.3)', () => {
  it('encodes each kind of value', () => {
    expect(encodeValue('x')).toBe('x')
    expect(encodeValue(5)).toBe(5)
    expect(encodeValue(null)).toBeNull()
    expect(encodeValue(['a', 'b'])).toEqual(['a', 'b'])
    expect(encodeValue(SWITCH)).toBe(true)
    expect(encodeValue(hashtable(['1.2.3.4']))).toEqual({
      '@odata.type': '#Exchange.GenericHashTable',
      Add: ['1.2.3.4'],
    })
    expect(encodeValue(utcDate('2026-01-02T03:04:05.678-05:00'))).toBe('2026-01-02T08:04:05Z')
  })

  it('refuses a malformed cmdlet name', () => {
    expect(() => invokeBody({ cmdlet: 'Get-Thing; rm', params: {} })).toThrow()
  })
})

describe('detectLicence (§2.1)', () => {
  const sku = (part: string, plans: [string, string][], status = 'Enabled', prov = 'Success') => ({
    skuPartNumber: part,
    capabilityStatus: status,
    servicePlans: plans.map(([servicePlanName, servicePlanId]) => ({
      servicePlanName,
      servicePlanId,
      provisioningStatus: prov,
    })),
  })
  const EOP: [string, string] = ['EOP_ENTERPRISE', '326e2b78-9d27-42c9-8509-46c827743a17']
  const P1: [string, string] = ['ATP_ENTERPRISE', 'f20fedf3-f3c3-43c3-8267-2bfdd51c0939']
  const P2: [string, string] = ['THREAT_INTELLIGENCE', '8e0c0a52-6a6c-4d40-8370-dd62790dcd70']
  const P1GOV: [string, string] = ['X', '493ff600-6a2b-4db6-ad37-a7d4eb214516']

  it('finds EOP only, Plan 1, Plan 2, and the _GOV ids', () => {
    expect(detectLicence([sku('EXCHANGESTANDARD', [EOP])]).licence).toBe('eop')
    expect(detectLicence([sku('O365_BUSINESS_PREMIUM', [EOP, P1])])).toMatchObject({
      licence: 'mdo-p1',
      defenderFrom: ['O365_BUSINESS_PREMIUM'],
    })
    expect(detectLicence([sku('E3', [P1]), sku('ENTERPRISEPREMIUM', [P1, P2])]).licence).toBe(
      'mdo-p2',
    )
    expect(detectLicence([sku('GOV', [P1GOV])]).licence).toBe('mdo-p1')
    expect(detectLicence([]).licence).toBe('eop')
  })

  it('ignores suspended SKUs and unprovisioned plans', () => {
    expect(detectLicence([sku('E5', [P2], 'Suspended')]).licence).toBe('eop')
    expect(detectLicence([sku('E5', [P2], 'Enabled', 'Disabled')]).licence).toBe('eop')
    expect(detectLicence([sku('E5', [P2], 'Warning')]).licence).toBe('mdo-p2')
  })
})

describe('backoff and Retry-After (§1.8 (6))', () => {
  it('doubles, caps and jitters', () => {
    const p = { ...DEFAULT_RETRY, baseDelayMs: 1000, maxDelayMs: 8000 }
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, p, () => 0))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ])
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, p, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ])
  })

  it('reads seconds and HTTP dates, capped', () => {
    const p = { ...DEFAULT_RETRY, maxRetryAfterMs: 60_000 }
    expect(retryAfterMs({ 'retry-after': '3' }, p)).toBe(3000)
    expect(retryAfterMs({ 'retry-after': '3600' }, p)).toBe(60_000)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, p, now)).toBe(5000)
    expect(retryAfterMs({}, p)).toBeNull()
    expect(retryAfterMs({ 'retry-after': 'soon' }, p)).toBeNull()
  })

  it('classifies statuses', () => {
    expect(classifyStatus(429, '')).toBe('throttled')
    expect(classifyStatus(503, '')).toBe('unavailable')
    expect(classifyStatus(408, '')).toBe('unavailable')
    expect(classifyStatus(500, '')).toBe('ambiguous')
    expect(classifyStatus(500, '{"message":"Ex6F9304|T|text"}')).toBe('final')
    expect(classifyStatus(400, '')).toBe('final')
  })
})

describe('Semaphore', () => {
  it('caps concurrency and serves waiters in order', async () => {
    const s = new Semaphore(2)
    let running = 0
    let max = 0
    const order: number[] = []
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        s.run(async () => {
          running++
          max = Math.max(max, running)
          await new Promise((r) => setTimeout(r, 5))
          order.push(i)
          running--
        }),
      ),
    )
    expect(max).toBe(2)
    expect(order).toHaveLength(6)
    expect(s.inUse).toBe(0)
  })

  it('lets a waiter give up when aborted', async () => {
    const s = new Semaphore(1)
    const release = await s.acquire()
    const ac = new AbortController()
    const waiting = s.acquire(ac.signal)
    ac.abort()
    await expect(waiting).rejects.toBeDefined()
    release()
    expect(s.inUse).toBe(0)
  })
})

describe('claims and config', () => {
  it('reads delegated and app-only claims', () => {
    expect(readClaims(fakeJwt({ tid: 't', upn: 'a@b.c', scp: 'x y', wids: ['w'] }))).toMatchObject({
      tenantId: 't',
      upn: 'a@b.c',
      scopes: ['x', 'y'],
      roleTemplateIds: ['w'],
      appOnly: false,
    })
    expect(readClaims(fakeJwt({ tid: 't', roles: ['Exchange.ManageAsApp'] }))).toMatchObject({
      upn: null,
      appOnly: true,
      appRoles: ['Exchange.ManageAsApp'],
    })
    expect(readClaims('not-a-jwt')).toBeNull()
  })

  it('defaults to Microsoft and normalises sandbox URLs and tenants', () => {
    expect(resolveEndpoints()).toEqual({
      exchangeBase: 'https://outlook.office365.com',
      graphBase: 'https://graph.microsoft.com',
      authority: 'https://login.microsoftonline.com',
    })
    const pem = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----'
    expect(sandboxEndpoints('https://127.0.0.1:4443/', pem)).toMatchObject({
      exchangeBase: 'https://127.0.0.1:4443',
      ca: pem,
    })
    expect(() => resolveEndpoints({ exchangeBase: 'ftp://x' })).toThrow()
    expect(normaliseTenant('Contoso.OnMicrosoft.com')).toBe('contoso.onmicrosoft.com')
    expect(() => normaliseTenant('not a tenant')).toThrow()
    expect(defaultScope('exchange')).toBe('https://outlook.office365.com/.default')
    expect(
      defaultScope('exchange', resolveEndpoints({ exchangeBase: 'https://outlook.office365.us' })),
    ).toBe('https://outlook.office365.us/.default')
  })
})
