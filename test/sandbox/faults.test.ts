import { describe, expect, it } from 'vitest'
import { isPassageError } from '../../src/core/errors/index.js'
import {
  createFaults,
  formatFaultSpec,
  parseFaultSpec,
  seededRandom,
} from '../../src/sandbox/faults/index.js'
import { TenantBudgets } from '../../src/sandbox/http/budget.js'

describe('fault spec parsing', () => {
  it('parses every key of the example spec', () => {
    const s = parseFaultSpec(
      'latency=50,rate429=0.1,budget=20/s,err5xx=0.05,drop=0.02,slowBody=0.1,cmdlet:Set-HostedConnectionFilterPolicy=ExBDDC58',
    )
    expect(s).toMatchObject({
      latencyMs: 50,
      rate429: 0.1,
      budget: { count: 20, perMs: 1000 },
      err5xx: 0.05,
      drop: 0.02,
      slowBody: 0.1,
      scope: 'adminapi',
      cmdlets: { 'set-hostedconnectionfilterpolicy': { exId: 'ExBDDC58' } },
    })
  })

  it('takes per-minute budgets, concurrency, scope, statuses and spaces', () => {
    const s = parseFaultSpec(
      ' budget=600/m , concurrency=4, scope=all, cmdlet:Get-TransportRule=503, slowBodyMs=20 ',
    )
    expect(s.budget).toEqual({ count: 600, perMs: 60_000 })
    expect(s.concurrency).toBe(4)
    expect(s.scope).toBe('all')
    expect(s.slowBodyMs).toBe(20)
    expect(s.cmdlets['get-transportrule']).toEqual({ status: 503 })
    expect(parseFaultSpec('')).toMatchObject({ latencyMs: 0, rate429: 0, budget: null })
  })

  it('round-trips through its string form', () => {
    const text =
      'latency=5,latencyModel=floor,rate429=0.25,budget=20/s,concurrency=3,err5xx=0.1,drop=0.05,slowBody=0.5,slowBodyMs=10,scope=all,cmdlet:get-transportrule=ExBDDC58'
    expect(parseFaultSpec(formatFaultSpec(parseFaultSpec(text)))).toEqual(parseFaultSpec(text))
  })

  it.each([
    ['rate429=2', /between 0 and 1/],
    ['rate429=abc', /rate429=abc/],
    ['latency=-1', /negative/],
    ['budget=20', /20\/s/],
    ['budget=0/s', /at least 1/],
    ['nonsense=1', /unknown key 'nonsense'/],
    ['latency', /not key=value/],
    ['latency=', /has no value/],
    ['latency=1,latency=2', /given twice/],
    ['cmdlet:Get-TransportRule=oops', /Exchange error id/],
    ['cmdlet:NotACmdlet=ExBDDC58', /Verb-Noun/],
    ['scope=everything', /adminapi or all/],
    ['concurrency=0', /at least 1/],
    ['latencyModel=after', /added or floor/],
  ])('refuses %s with a clear error', (spec, message) => {
    let caught: unknown
    try {
      parseFaultSpec(spec)
    } catch (e) {
      caught = e
    }
    expect(isPassageError(caught, 'PASSAGE_E_SANDBOX_FAULTS')).toBe(true)
    expect((caught as Error).message).toMatch(message)
    expect((caught as Error).message).toContain(`'${spec}'`)
  })
})

describe('fault reproducibility', () => {
  const spec = 'rate429=0.2,err5xx=0.1,drop=0.05,slowBody=0.3'
  const run = (seed: number, n = 200) => {
    const f = createFaults(spec, seed)
    return Array.from({ length: n }, () => f.next())
  }

  it('gives the same faults for the same seed and request order', () => {
    expect(run(42)).toEqual(run(42))
  })

  it('gives different faults for another seed', () => {
    expect(run(42)).not.toEqual(run(43))
  })

  it('injects each kind at about its rate', () => {
    const d = run(7, 5000)
    const rate = (k: string) => d.filter((x) => x.fail === k).length / d.length
    expect(rate('429')).toBeGreaterThan(0.15)
    expect(rate('429')).toBeLessThan(0.25)
    expect(rate('5xx')).toBeGreaterThan(0.07)
    expect(rate('5xx')).toBeLessThan(0.13)
    expect(rate('drop')).toBeGreaterThan(0.03)
    expect(rate('drop')).toBeLessThan(0.07)
    const slow = d.filter((x) => x.slowBody).length / d.length
    expect(slow).toBeGreaterThan(0.25)
    expect(slow).toBeLessThan(0.35)
  })

  it('draws nothing but null with no spec, and the PRNG is seeded', () => {
    const f = createFaults(undefined, 1)
    expect(f.active).toBe(false)
    expect(f.next().fail).toBeNull()
    const a = seededRandom(9)
    const b = seededRandom(9)
    expect([a(), a(), a()]).toEqual([b(), b(), b()])
  })

  it('finds forced cmdlet failures whatever the case', () => {
    const f = createFaults('cmdlet:Set-HostedConnectionFilterPolicy=exbddc58')
    expect(f.forCmdlet('set-hostedconnectionfilterpolicy')).toEqual({ exId: 'ExBDDC58' })
    expect(f.forCmdlet('Get-TransportRule')).toBeNull()
  })

  it('fails only the n-th call of a cmdlet with @n, and drops connections', () => {
    const s = parseFaultSpec(
      'cmdlet:New-TransportRule@2=429,cmdlet:New-TransportRule@4=drop,cmdlet:Set-X@1=drop-after',
    )
    expect(s.cmdlets).toEqual({
      'new-transportrule@2': { status: 429 },
      'new-transportrule@4': { drop: 'before' },
      'set-x@1': { drop: 'after' },
    })
    expect(parseFaultSpec(formatFaultSpec(s))).toEqual(s)
    const f = createFaults(s)
    const seen = [1, 2, 3, 4, 5].map(() => f.forCmdlet('new-TransportRule'))
    expect(seen).toEqual([null, { status: 429 }, null, { drop: 'before' }, null])
    expect(f.forCmdlet('Set-X')).toEqual({ drop: 'after' })
    expect(f.forCmdlet('Set-X')).toBeNull()
    // An always-failing entry still applies to every other call.
    const g = createFaults('cmdlet:Get-A=503,cmdlet:Get-A@2=drop')
    expect([1, 2, 3].map(() => g.forCmdlet('Get-A'))).toEqual([
      { status: 503 },
      { drop: 'before' },
      { status: 503 },
    ])
  })

  it.each([
    ['cmdlet:Get-A@0=503', /whole number from 1/],
    ['cmdlet:Get-A@x=503', /whole number from 1/],
    ['cmdlet:Get-A@1@2=503', /whole number from 1/],
    ['cmdlet:Get-A@1=dropped', /drop or drop-after/],
  ])('refuses %s', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message)
  })
})

describe('tenant budgets', () => {
  it('refuses beyond the rate and refills with time', () => {
    let t = 0
    const b = new TenantBudgets({ concurrency: 100, count: 3, perMs: 1000 }, () => t)
    const admitted = [1, 2, 3, 4].map(() => b.admit('t1'))
    expect(admitted.map((a) => a.ok)).toEqual([true, true, true, false])
    const refused = admitted[3]
    expect(refused && !refused.ok && refused.retryAfter).toBe(1)
    expect(b.admit('t2').ok).toBe(true)
    t = 400
    expect(b.admit('t1').ok).toBe(true)
  })

  it('refuses beyond the concurrency until a slot is released', () => {
    const b = new TenantBudgets({ concurrency: 2, count: 100, perMs: 1000 }, () => 0)
    const x = b.admit('t')
    const y = b.admit('t')
    const z = b.admit('t')
    expect([x.ok, y.ok, z.ok]).toEqual([true, true, false])
    if (x.ok) x.release()
    if (x.ok) x.release()
    expect(b.admit('t').ok).toBe(true)
    expect(b.admit('t').ok).toBe(false)
  })
})
