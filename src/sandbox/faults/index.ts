/**
 * Deterministic fault injection for the sandbox. A fault spec is a comma-separated list of
 * `key=value` pairs:
 *
 * | key                 | value                 | effect                                                     |
 * |---------------------|-----------------------|------------------------------------------------------------|
 * | `latency`           | ms                    | added before every request in scope                        |
 * | `latencyModel`      | `added` or `floor`    | `added` (default): the latency, then the sandbox's own     |
 * |                     |                       | work; `floor`: the answer leaves no sooner than `latency`  |
 * |                     |                       | after the request came in, the work included (benchmarks)  |
 * | `rate429`           | probability 0..1      | answer 429 + Retry-After (the "concurrent requests" text)  |
 * | `budget`            | `N/s` or `N/m`        | per-tenant rate budget (token bucket); beyond it, 429      |
 * | `concurrency`       | N                     | per-tenant concurrent requests; beyond it, 429             |
 * | `err5xx`            | probability 0..1      | answer 503 Service Unavailable                             |
 * | `drop`              | probability 0..1      | destroy the connection without answering                   |
 * | `slowBody`          | probability 0..1      | send the response body in slow chunks                      |
 * | `slowBodyMs`        | ms                    | total time a slow body takes (default 300)                 |
 * | `scope`             | `adminapi` or `all`   | where faults apply (default the admin API only)            |
 * | `cmdlet:<Name>`     | `Ex123ABC` or status  | that cmdlet always fails with this ExId, or HTTP status    |
 * | `cmdlet:<Name>@<n>` | the same, or `drop`,  | only the n-th call of that cmdlet fails (counted from the  |
 * |                     | `drop-after`          | sandbox's start, `$batch` items included)                  |
 *
 * Besides an ExId or a status, a cmdlet fault may be `drop` (the connection is destroyed and the
 * cmdlet does not run) or `drop-after` (the cmdlet runs, then the connection is destroyed before
 * the answer: the client cannot know whether its write was made).
 *
 * Random faults come from a seeded PRNG: every request in scope draws the same number of values
 * in the same order, so the same seed and the same request order give the same faults.
 */
import { z } from 'zod'
import { PassageError } from '../../core/errors/index.js'

/**
 * A forced failure for one cmdlet: a cmdlet error with this ExId, a bare HTTP status, or a
 * dropped connection (before the cmdlet runs, or after it ran).
 */
export type ForcedCmdletFault = { exId: string } | { status: number } | { drop: 'before' | 'after' }

/** A parsed fault spec. */
export interface FaultSpec {
  latencyMs: number
  /**
   * How the latency is charged: `added` before the sandbox's own work (an answer takes the
   * latency plus the emulator's time), or as a `floor` for the whole request (an answer takes the
   * latency, or the work when it takes longer). A real request's time at Exchange includes
   * Exchange's own work; `floor` models "N ms per request" without the emulator's time on top.
   */
  latencyModel: 'added' | 'floor'
  rate429: number
  err5xx: number
  drop: number
  slowBody: number
  slowBodyMs: number
  /** Per-tenant rate budget: `count` requests per `perMs` milliseconds, or null for the default. */
  budget: { count: number; perMs: number } | null
  /** Per-tenant concurrent requests, or null for the default. */
  concurrency: number | null
  /** Where faults apply: the admin API (InvokeCommand, $batch, EXOModuleFile) or every route. */
  scope: 'adminapi' | 'all'
  /** Forced failures by cmdlet name (lower case), or `name@n` for the n-th call only. */
  cmdlets: Record<string, ForcedCmdletFault>
}

/** The spec with no faults. */
export const NO_FAULTS: FaultSpec = Object.freeze({
  latencyMs: 0,
  latencyModel: 'added',
  rate429: 0,
  err5xx: 0,
  drop: 0,
  slowBody: 0,
  slowBodyMs: 300,
  budget: null,
  concurrency: null,
  scope: 'adminapi',
  cmdlets: {},
}) as FaultSpec

const probability = z.coerce
  .number({ error: 'must be a number between 0 and 1' })
  .min(0, 'must be between 0 and 1')
  .max(1, 'must be between 0 and 1')
const millis = z.coerce
  .number({ error: 'must be a whole number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(0, 'must not be negative')
  .max(60_000, 'must be at most 60000 ms')
const budget = z
  .string()
  .regex(/^\d+\/(s|m|min)$/, 'must look like 20/s or 600/m')
  .transform((v) => {
    const [n, unit] = v.split('/')
    return { count: Number(n), perMs: unit === 's' ? 1000 : 60_000 }
  })
  .refine((b) => b.count >= 1, 'must allow at least 1 request')
const forced = z.string().transform((v, ctx): ForcedCmdletFault => {
  if (/^Ex[0-9A-F]{6}$/i.test(v)) return { exId: `Ex${v.slice(2).toUpperCase()}` }
  if (/^[45]\d\d$/.test(v)) return { status: Number(v) }
  if (/^drop$/i.test(v)) return { drop: 'before' }
  if (/^drop-after$/i.test(v)) return { drop: 'after' }
  ctx.addIssue({
    code: 'custom',
    message:
      'must be an Exchange error id like ExBDDC58, an HTTP status 400-599, drop or drop-after',
  })
  return z.NEVER
})

const keys = {
  latency: millis,
  latencymodel: z.enum(['added', 'floor'], { error: 'must be added or floor' }),
  rate429: probability,
  err5xx: probability,
  drop: probability,
  slowbody: probability,
  slowbodyms: millis,
  budget,
  concurrency: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1'),
  scope: z.enum(['adminapi', 'all'], { error: 'must be adminapi or all' }),
} as const

type Key = keyof typeof keys

const fail = (spec: string, problem: string): never => {
  throw new PassageError('PASSAGE_E_SANDBOX_FAULTS', `Fault spec '${spec}': ${problem}.`)
}

/** Parses a fault spec string (see the module comment); throws PASSAGE_E_SANDBOX_FAULTS. */
export function parseFaultSpec(spec: string): FaultSpec {
  const out: FaultSpec = { ...NO_FAULTS, cmdlets: {} }
  const seen = new Set<string>()
  for (const raw of spec.split(',')) {
    const part = raw.trim()
    if (!part) continue
    const eq = part.indexOf('=')
    if (eq <= 0) fail(spec, `'${part}' is not key=value`)
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (!value) fail(spec, `'${key}' has no value`)
    if (seen.has(key.toLowerCase())) fail(spec, `'${key}' is given twice`)
    seen.add(key.toLowerCase())
    if (/^cmdlet:/i.test(key)) {
      const [name = '', nth, ...rest] = key.slice('cmdlet:'.length).split('@')
      if (!/^[A-Za-z]+-[A-Za-z0-9]+$/.test(name))
        fail(spec, `'${name}' is not a cmdlet name (Verb-Noun)`)
      if (nth !== undefined && (rest.length || !/^[1-9]\d{0,6}$/.test(nth)))
        fail(spec, `${key}: the call number after @ must be a whole number from 1`)
      const r = forced.safeParse(value)
      if (!r.success) fail(spec, `${key}: ${r.error.issues[0]?.message ?? 'invalid'}`)
      else out.cmdlets[`${name.toLowerCase()}${nth === undefined ? '' : `@${nth}`}`] = r.data
      continue
    }
    const k = key.toLowerCase()
    if (!(k in keys))
      fail(
        spec,
        `unknown key '${key}' (known: latency, latencyModel, rate429, budget, concurrency, err5xx, drop, slowBody, slowBodyMs, scope, cmdlet:<Name>, cmdlet:<Name>@<n>)`,
      )
    const r = keys[k as Key].safeParse(value)
    if (!r.success) {
      fail(spec, `${key}=${value} ${r.error.issues[0]?.message ?? 'is invalid'}`)
      continue
    }
    const v = r.data
    switch (k as Key) {
      case 'latency':
        out.latencyMs = v as number
        break
      case 'latencymodel':
        out.latencyModel = v as FaultSpec['latencyModel']
        break
      case 'rate429':
        out.rate429 = v as number
        break
      case 'err5xx':
        out.err5xx = v as number
        break
      case 'drop':
        out.drop = v as number
        break
      case 'slowbody':
        out.slowBody = v as number
        break
      case 'slowbodyms':
        out.slowBodyMs = v as number
        break
      case 'budget':
        out.budget = v as FaultSpec['budget']
        break
      case 'concurrency':
        out.concurrency = v as number
        break
      case 'scope':
        out.scope = v as FaultSpec['scope']
        break
    }
  }
  return out
}

/** Accepts a parsed spec, a spec string, or nothing (no faults). */
export function toFaultSpec(spec: FaultSpec | string | undefined | null): FaultSpec {
  if (spec === undefined || spec === null || spec === '') return { ...NO_FAULTS, cmdlets: {} }
  return typeof spec === 'string' ? parseFaultSpec(spec) : spec
}

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** What happens to one request. */
export interface FaultDecision {
  /** Fail the request this way instead of running it. */
  fail: 'drop' | '429' | '5xx' | null
  /** Send the response body slowly. */
  slowBody: boolean
  /** The status of a `5xx` failure: 500 or 503. */
  status5xx: 500 | 503
}

/** A fault spec bound to a seeded PRNG. */
export interface Faults {
  spec: FaultSpec
  /** True when the spec injects random failures (anything to draw for). */
  readonly active: boolean
  /** The next request's fate; always draws three values, whatever the spec. */
  next(): FaultDecision
  /**
   * The forced failure for a call of a cmdlet, if the spec names it (counts the call: a spec
   * with `<Name>@<n>` fails its n-th call only).
   */
  forCmdlet(cmdlet: string): ForcedCmdletFault | null
}

/** Binds a spec to a PRNG seeded with `seed` (default 1). */
export function createFaults(spec: FaultSpec | string | undefined | null, seed = 1): Faults {
  const s: FaultSpec = { ...toFaultSpec(spec) }
  const random = seededRandom(seed)
  const calls = new Map<string, number>()
  return {
    spec: s,
    active: s.rate429 > 0 || s.err5xx > 0 || s.drop > 0 || s.slowBody > 0,
    next() {
      const a = random()
      const b = random()
      const c = random()
      let fail: FaultDecision['fail'] = null
      if (a < s.drop) fail = 'drop'
      else if (a < s.drop + s.rate429) fail = '429'
      else if (a < s.drop + s.rate429 + s.err5xx) fail = '5xx'
      return { fail, slowBody: c < s.slowBody, status5xx: b < 0.5 ? 500 : 503 }
    },
    forCmdlet(cmdlet) {
      const name = cmdlet.toLowerCase()
      const n = (calls.get(name) ?? 0) + 1
      calls.set(name, n)
      return s.cmdlets[`${name}@${n}`] ?? s.cmdlets[name] ?? null
    },
  }
}

/** Renders a spec back to its string form (for logs and `GET /`). */
export function formatFaultSpec(s: FaultSpec): string {
  const parts: string[] = []
  if (s.latencyMs) parts.push(`latency=${s.latencyMs}`)
  if (s.latencyModel !== 'added') parts.push(`latencyModel=${s.latencyModel}`)
  if (s.rate429) parts.push(`rate429=${s.rate429}`)
  if (s.budget) parts.push(`budget=${s.budget.count}/${s.budget.perMs === 1000 ? 's' : 'm'}`)
  if (s.concurrency !== null) parts.push(`concurrency=${s.concurrency}`)
  if (s.err5xx) parts.push(`err5xx=${s.err5xx}`)
  if (s.drop) parts.push(`drop=${s.drop}`)
  if (s.slowBody) parts.push(`slowBody=${s.slowBody}`, `slowBodyMs=${s.slowBodyMs}`)
  if (s.scope !== 'adminapi') parts.push(`scope=${s.scope}`)
  for (const [name, f] of Object.entries(s.cmdlets))
    parts.push(
      `cmdlet:${name}=${'exId' in f ? f.exId : 'status' in f ? f.status : f.drop === 'before' ? 'drop' : 'drop-after'}`,
    )
  return parts.join(',')
}
