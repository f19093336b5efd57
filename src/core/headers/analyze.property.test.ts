import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from './analyze.js'
import { decodeAuthResults } from './auth-results.js'
import { explainLines } from './explain.js'
import { decodeForefrontReport } from './forefront.js'
import { decodeMailboxDelivery } from './mailbox-delivery.js'
import { parseReceived } from './received.js'
import { decodeSafeLink, findSafeLinks } from './safe-links.js'
import {
  SAMPLE_CROSS_TENANT,
  SAMPLE_SAFE_LINKS_EML,
  VENDOR,
  WRAPPED_TRACKING_LINK,
} from './test-fixtures.js'

/** Fewer runs under mutation testing, where these tests run once per mutant (docs/mutation.md). */
const runs = (n: number) => (process.env.PASSAGE_MUTATION_RUN === '1' ? Math.ceil(n / 10) : n)

const VERDICTS = ['inbox', 'junk', 'quarantine', 'unknown']

/** Checks the shape of a result and that it serialises. */
function wellFormed(input: string): void {
  const a = analyzeHeaders(input, { vendor: VENDOR })
  expect(typeof a.trusted).toBe('boolean')
  expect(VERDICTS).toContain(a.verdict)
  expect(Array.isArray(a.findings)).toBe(true)
  expect(() => JSON.stringify(a)).not.toThrow()
  expect(Array.isArray(explainLines(a))).toBe(true)
}

const NAMES = [
  'Received',
  'X-Forefront-Antispam-Report',
  'X-Forefront-Antispam-Report-Untrusted',
  'X-Microsoft-Antispam',
  'X-Microsoft-Antispam-Mailbox-Delivery',
  'Authentication-Results',
  'X-MS-Exchange-Organization-SCL',
  'X-MS-Exchange-Organization-AuthAs',
  'X-MS-Exchange-CrossTenant-Id',
  'X-EOPTenantAttributedMessage',
  'X-MS-Exchange-SkipListedInternetSender',
  'X-MS-Exchange-AtpMessageProperties',
  'Subject',
  'From',
]
const PIECES = [
  'CIP:',
  'SFV:SKN',
  'SFV:SKI',
  'IPV:CAL',
  'CAT:HPHSH',
  'DIR:OUT',
  'DIR:INB',
  'dest:J',
  'dest:I',
  'SCL:-1',
  '255.255.255.255',
  '198.51.100.25',
  '2a01:111::1',
  'from ',
  ' by ',
  'x.mail.protection.outlook.com',
  'mx.google.com',
  '(',
  ')',
  '[',
  ']',
  ';',
  ':',
  '=',
  'compauth=fail reason=001',
  'dmarc=fail action=oreject',
  '(null)',
  ' ',
  '\t',
  '\u0000',
  '%7C',
  'https://nam11.safelinks.protection.outlook.com/?url=',
  '&data=05%7C02%7C',
  '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  '__proto__',
]
const EOLS = ['\r\n', '\n', '\r', '\n ', '\r\n\t', '\n\n']

const headerLike = fc
  .array(
    fc.tuple(
      fc.constantFrom(...NAMES),
      fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 })), {
        maxLength: 12,
      }),
      fc.constantFrom(...EOLS),
    ),
    { maxLength: 30 },
  )
  .map((hs) => hs.map(([n, v, eol]) => `${n}: ${v.join('')}${eol}`).join(''))

describe('analyzeHeaders never throws', () => {
  it('on arbitrary strings (including lone surrogates and controls)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => wellFormed(s)),
      { numRuns: runs(300) },
    )
  })

  it('on arbitrary bytes read as Latin-1 text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        let s = ''
        for (const b of bytes) s += String.fromCharCode(b)
        wellFormed(s)
      }),
      { numRuns: runs(300) },
    )
  })

  it('on header-like input built from the pieces the analyzer looks for', () => {
    fc.assert(
      fc.property(headerLike, (s) => wellFormed(s)),
      { numRuns: runs(300) },
    )
  })

  it('on real samples with random damage', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(SAMPLE_CROSS_TENANT, SAMPLE_SAFE_LINKS_EML),
        fc.nat(),
        fc.nat(),
        fc.string({ unit: 'binary', maxLength: 20 }),
        (sample, a, b, insert) => {
          const i = a % sample.length
          const j = Math.min(sample.length, i + (b % 200))
          wellFormed(sample.slice(0, i) + insert + sample.slice(j))
        },
      ),
      { numRuns: runs(200) },
    )
  })

  it('in each decoder on its own', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        decodeForefrontReport(s)
        decodeMailboxDelivery(s)
        decodeAuthResults(s)
        parseReceived(s)
        decodeSafeLink(`https://nam11.safelinks.protection.outlook.com/?url=${s}&data=${s}`)
        findSafeLinks(s)
      }),
      { numRuns: runs(300) },
    )
  })

  it('on odd option values and non-string input', () => {
    expect(() => analyzeHeaders(SAMPLE_CROSS_TENANT, { maxBytes: -5 })).not.toThrow()
    expect(() => analyzeHeaders(SAMPLE_CROSS_TENANT, { maxBytes: Number.NaN })).not.toThrow()
    expect(analyzeHeaders(SAMPLE_CROSS_TENANT, { maxBytes: 100 }).input.truncated).toBe(true)
    expect(() => analyzeHeaders(undefined as unknown as string)).not.toThrow()
    expect(() =>
      analyzeHeaders(SAMPLE_CROSS_TENANT, {
        vendor: {
          ips: [null, 5],
          domains: undefined,
          linkDomains: ['x'],
        } as unknown as typeof VENDOR,
      }),
    ).not.toThrow()
  })
})

/** A deterministic generator of header-like text (so timings compare like with like). */
function headerText(size: number, seed: number): string {
  let x = seed
  const rnd = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648
    return x % n
  }
  const lines: string[] = []
  let length = 0
  while (length < size) {
    const name = NAMES[rnd(NAMES.length)] ?? 'X'
    const parts: string[] = []
    for (let i = 0; i < 6 + rnd(10); i++) parts.push(PIECES[rnd(PIECES.length)] ?? '')
    const line = `${name}: ${parts.join('').replace(/\n/g, '')}`
    lines.push(line)
    length += line.length + 2
  }
  return lines.join('\r\n')
}

/**
 * Best-of-7 CPU milliseconds to analyse the input: CPU time of this process, not wall time, so
 * other jobs on a loaded machine do not count (a ratio guard, not a performance target: those are
 * in bench/headers.ts).
 */
function time(input: string): number {
  let best = Infinity
  for (let i = 0; i < 7; i++) {
    const c0 = process.cpuUsage()
    analyzeHeaders(input, { vendor: VENDOR })
    const c = process.cpuUsage(c0)
    best = Math.min(best, (c.user + c.system) / 1000)
  }
  return best
}

// Timings mean nothing under mutation testing (instrumented code, a loaded machine): skipped there.
const timed = process.env.PASSAGE_MUTATION_RUN === '1' ? describe.skip : describe

timed('analyzeHeaders time stays roughly linear', () => {
  const hostile: [string, (n: number) => string][] = [
    ['random header-like lines', (n) => headerText(n, 7)],
    [
      'one huge folded report',
      (n) =>
        'X-Forefront-Antispam-Report: ' +
        'CIP:1.2.3.4;SFV:SKN;(null)'.repeat(n / 26).replace(/;/g, ';\r\n '),
    ],
    [
      'one huge Received with unclosed comments',
      (n) => 'Received: from ' + '(a [1.2.3.4] '.repeat(n / 14),
    ],
    [
      'an Authentication-Results of props',
      (n) => 'Authentication-Results: ' + 'spf=pass a="b '.repeat(n / 14),
    ],
    [
      'a body full of Safe Links markers',
      (n) =>
        'Subject: x\r\n\r\n' +
        `${WRAPPED_TRACKING_LINK} safelinks.protection. http://`.repeat(n / 700),
    ],
    [
      'a body of one unterminated URL',
      (n) => 'Subject: x\r\n\r\nhttps://nam11.safelinks.protection.outlook.com/' + 'a'.repeat(n),
    ],
    ['many empty-ish headers', (n) => 'X-A:\n'.repeat(n / 5)],
  ]
  it.each(hostile)('%s: 500 KB takes under 30x the time of 50 KB', (_name, make) => {
    const small = make(50_000)
    const large = make(500_000)
    time(small) // warm up
    const ts = time(small)
    const tl = time(large)
    // Guard against timer resolution and JIT noise on tiny runs: compare against at least 2 ms.
    // Linear work is ~10x here, quadratic ~100x.
    expect(tl / Math.max(ts, 2)).toBeLessThan(30)
    expect(tl).toBeLessThan(2000)
  })
})
