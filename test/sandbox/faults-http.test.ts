import { describe, expect, it } from 'vitest'
import { isPassageError } from '../../src/core/errors/index.js'
import { startSandbox, THROTTLE_TEXT, type RunningSandbox } from '../../src/sandbox/index.js'
import { call, deviceCodeToken, errorDetail, invoke } from './helpers.js'
import { P2, TEST_CERTS } from './fixtures.js'

// Fault injection over HTTP: reproducible with a seed, on the admin API only unless scope=all.
async function withSandbox(
  faults: string,
  seed: number,
  fn: (sb: RunningSandbox, token: string) => Promise<void>,
) {
  const sb = await startSandbox({ certDir: TEST_CERTS, faults, seed })
  try {
    const t = await deviceCodeToken(sb, P2.id, `admin@${P2.name}`)
    await fn(sb, t.access_token)
  } finally {
    await sb.close()
  }
}

async function statuses(faults: string, seed: number, n = 40): Promise<(number | string)[]> {
  const out: (number | string)[] = []
  await withSandbox(faults, seed, async (sb, t) => {
    for (let i = 0; i < n; i++) {
      try {
        out.push((await invoke(sb, t, P2.id, 'Get-AcceptedDomain')).status)
      } catch (e) {
        out.push((e as NodeJS.ErrnoException).code ?? 'error')
      }
    }
  })
  return out
}

describe('faults over HTTP', () => {
  it('are reproducible: the same seed gives the same answers in the same order', async () => {
    const spec = 'rate429=0.25,err5xx=0.15,drop=0.1'
    const a = await statuses(spec, 1234)
    const b = await statuses(spec, 1234)
    const c = await statuses(spec, 99)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(a).toContain(200)
    expect(a).toContain(429)
    expect(a.some((s) => s === 500 || s === 503)).toBe(true)
    expect(a.some((s) => typeof s === 'string')).toBe(true)
  })

  it('a random 429 carries Retry-After and the per-tenant text; sign-in is not affected', async () => {
    await withSandbox('rate429=1', 1, async (sb, t) => {
      const r = await invoke(sb, t, P2.id, 'Get-AcceptedDomain')
      expect(r.status).toBe(429)
      expect(r.headers['retry-after']).toBe('1')
      expect(r.text).toContain(THROTTLE_TEXT)
      const oidc = await call(sb, `/${P2.id}/v2.0/.well-known/openid-configuration`)
      expect(oidc.status).toBe(200)
    })
  })

  it('scope=all applies faults to sign-in too', async () => {
    const sb = await startSandbox({ certDir: TEST_CERTS, faults: 'err5xx=1,scope=all' })
    try {
      const oidc = await call(sb, `/${P2.id}/v2.0/.well-known/openid-configuration`)
      expect([500, 503]).toContain(oidc.status)
    } finally {
      await sb.close()
    }
  })

  it('forces an error for a named cmdlet', async () => {
    await withSandbox('cmdlet:Set-HostedConnectionFilterPolicy=ExBDDC58', 1, async (sb, t) => {
      const r = await invoke(sb, t, P2.id, 'Set-HostedConnectionFilterPolicy', {
        Identity: 'Default',
        EnableSafeList: false,
      })
      expect(r.status).toBe(400)
      expect(errorDetail(r)).toMatchObject({
        exId: 'ExBDDC58',
        type: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
      })
      expect((await invoke(sb, t, P2.id, 'Get-HostedConnectionFilterPolicy')).status).toBe(200)
    })
  })

  it('fails the n-th call only; drop loses the call, drop-after loses only its answer', async () => {
    const spec =
      'cmdlet:Get-AcceptedDomain@2=503,cmdlet:Disable-TransportRule@1=drop,cmdlet:Enable-TransportRule@1=drop-after'
    await withSandbox(spec, 1, async (sb, t) => {
      const codes = []
      for (let i = 0; i < 3; i++)
        codes.push((await invoke(sb, t, P2.id, 'Get-AcceptedDomain')).status)
      expect(codes).toEqual([200, 503, 200])
      const tenant = sb.world.tenants.find((x) => x.snapshot.tenant.id === P2.id)!
      const rule = tenant.snapshot.state.transportRules[0]!
      const state = () =>
        tenant.snapshot.state.transportRules.find((r) => r.Name === rule.Name)?.State
      const was = state()
      const reset = (p: Promise<unknown>) =>
        p.then(
          () => 'answered',
          (e: NodeJS.ErrnoException) => e.code ?? 'error',
        )
      expect(
        await reset(invoke(sb, t, P2.id, 'Disable-TransportRule', { Identity: rule.Name })),
      ).toBe('ECONNRESET')
      expect(state()).toBe(was)
      expect(
        await reset(invoke(sb, t, P2.id, 'Disable-TransportRule', { Identity: rule.Name })),
      ).toBe('answered')
      expect(state()).toBe('Disabled')
      expect(
        await reset(invoke(sb, t, P2.id, 'Enable-TransportRule', { Identity: rule.Name })),
      ).toBe('ECONNRESET')
      expect(state()).toBe('Enabled')
    })
  })

  it('adds latency, and sends slow bodies that still parse', async () => {
    await withSandbox('latency=120,slowBody=1,slowBodyMs=100', 1, async (sb, t) => {
      const t0 = performance.now()
      const r = await invoke(sb, t, P2.id, 'Get-TransportRule')
      const ms = performance.now() - t0
      expect(r.status).toBe(200)
      expect(r.json.value.length).toBeGreaterThan(0)
      expect(ms).toBeGreaterThanOrEqual(200)
    })
  })

  it("with the floor model, an answer leaves the latency after the request came in, the sandbox's work included", async () => {
    // 250 ms of latency: `added` answers after 250 ms plus the emulator's work; `floor` after
    // 250 ms in all (the work done inside it), and never sooner.
    await withSandbox('latency=250,latencyModel=floor', 1, async (sb, t) => {
      await invoke(sb, t, P2.id, 'Get-AcceptedDomain') // warm the connection and the code
      const t0 = performance.now()
      const r = await invoke(sb, t, P2.id, 'Get-TransportRule')
      const ms = performance.now() - t0
      expect(r.status).toBe(200)
      expect(ms).toBeGreaterThanOrEqual(245)
    })
  })

  it('a concurrency budget refuses the requests beyond it', async () => {
    await withSandbox('concurrency=1,latency=400', 1, async (sb, t) => {
      const all = await Promise.all(
        Array.from({ length: 4 }, () => invoke(sb, t, P2.id, 'Get-AcceptedDomain')),
      )
      const codes = all.map((r) => r.status)
      expect(codes).toContain(200)
      expect(codes).toContain(429)
      expect(codes.every((c) => c === 200 || c === 429)).toBe(true)
      const refused = all.find((r) => r.status === 429)
      expect(refused?.text).toContain(THROTTLE_TEXT)
      expect((await invoke(sb, t, P2.id, 'Get-AcceptedDomain')).status).toBe(200)
    })
  })
})

describe('loopback only', () => {
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com'])(
    'refuses to listen on %s',
    async (host) => {
      let caught: unknown
      try {
        const sb = await startSandbox({ host, certDir: TEST_CERTS })
        await sb.close()
      } catch (e) {
        caught = e
      }
      expect(isPassageError(caught, 'PASSAGE_E_SANDBOX_HOST')).toBe(true)
      expect((caught as Error).message).toMatch(/loopback/)
    },
  )

  it('refuses a bad fault spec before listening', async () => {
    await expect(startSandbox({ faults: 'drop=lots', certDir: TEST_CERTS })).rejects.toThrow(
      /drop=lots/,
    )
  })
})
