/**
 * Differential test of the host tests (isMicrosoftHost, isEopHost, isOutboundEopHost), which
 * compare a host's ASCII tail with the suffixes while folding A-Z instead of lower-casing a copy:
 * they must answer as lower-casing the host, dropping one trailing dot and testing the suffixes
 * does (the reference below), for hosts written in any case, with a trailing dot, and with
 * characters that lower-case to ASCII (the Kelvin sign) or to two characters (dotted capital I)
 * anywhere, the tail included. A wrong answer would trust a hop that isn't Microsoft's, or
 * distrust one that is.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isEopHost, isMicrosoftHost, isOutboundEopHost, parseReceived } from './received.js'

// ---- The reference: the tests as they were written before the fast path. ----

const MICROSOFT = [
  '.outlook.com',
  '.office365.com',
  '.office365.us',
  '.outlook.cn',
  '.outlook.de',
  '.exchangelabs.com',
  '.hotmail.com',
]
const EOP = [
  '.protection.outlook.com',
  '.protection.office365.us',
  '.protection.partner.outlook.cn',
  '.protection.outlook.de',
]
function key(host: string): string {
  const h = host.toLowerCase()
  return h.charCodeAt(h.length - 1) === 46 ? h.slice(0, -1) : h
}
const refMicrosoft = (host: string | null): boolean =>
  host !== null && MICROSOFT.some((s) => key(host).endsWith(s))
function refEop(host: string | null): boolean {
  if (host === null) return false
  const h = key(host)
  for (const s of EOP) if (h.endsWith(s)) return !h.includes('.outbound.protection.')
  return false
}
function refOutboundEop(host: string | null): boolean {
  if (host === null) return false
  const h = host.toLowerCase().replace(/\.$/, '')
  return h.includes('.outbound.protection.') && EOP.some((s) => h.endsWith(s))
}

function same(host: string | null): void {
  const at = JSON.stringify(host)
  expect(isMicrosoftHost(host), at).toBe(refMicrosoft(host))
  expect(isEopHost(host), at).toBe(refEop(host))
  expect(isOutboundEopHost(host), at).toBe(refOutboundEop(host))
}

/** Pieces hosts are built from: the suffixes' labels in both cases, dots, and odd characters. */
const PIECES = [
  '.',
  'outlook',
  'OUTLOOK',
  'Outlook',
  'outloo', // + the Kelvin sign: outlook once lower-cased
  'OUTLOO',
  'com',
  'COM',
  'cn',
  'de',
  'us',
  'office365',
  'OFFICE365',
  'protection',
  'PROTECTION',
  'partner',
  'outbound',
  'OUTBOUND',
  'exchangelabs',
  'hotmail',
  'mail',
  'eop-nam11',
  'prod',
  'BN8NAM11FT058',
  '\u212a', // Kelvin sign: lower-cases to ASCII k
  '\u0130', // dotted capital I: lower-cases to two characters
  '\u00e9',
  'x'.repeat(20),
  ' ',
  '',
]

describe('host tests: folded ASCII tail against lower-casing', () => {
  it('agree on the hosts of real mail and on edge shapes', () => {
    const hosts = [
      null,
      '',
      '.',
      '..',
      'outlook.com',
      '.outlook.com',
      '.OUTLOOK.COM.',
      'BN9PR03CA0517.outlook.office365.com',
      'BN8NAM11FT058.mail.protection.outlook.com',
      'DM6NAM12FT034.eop-nam12.prod.protection.outlook.com.',
      'NAM12-DM6-obe.outbound.protection.outlook.com',
      'NAM12-DM6-OBE.OUTBOUND.PROTECTION.OUTLOOK.COM.',
      'gcc.mail.protection.office365.us',
      'x.protection.partner.outlook.cn',
      'protection.outlook.com.evil.example',
      'mta1.phishsim-test.com',
      'mx.google.com',
      'a.outloo\u212a.com', // lower-cases to a.outlook.com
      'a.protection.outloo\u212a.com',
      'a.outbound.protection.outloo\u212a.com',
      '\u0130' + 'x'.repeat(40) + '.mail.protection.outlook.com',
      'x.\u0130.outlook.com',
      'host.hotmail.com..',
    ]
    for (const h of hosts) same(h)
  })

  it('agree on generated hosts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((a) => a.join('')),
        (h) => same(h),
      ),
      { numRuns: 5000 },
    )
    fc.assert(
      fc.property(
        fc.tuple(
          fc.string({ maxLength: 12 }),
          fc.constantFrom(...MICROSOFT, ...EOP, '.outbound' + EOP[0]),
          fc.constantFrom('', '.', '..', '\u212a', 'x'),
          fc.boolean(),
          fc.boolean(),
        ),
        ([pre, suffix, post, upper, kelvin]) => {
          const s = upper ? suffix.toUpperCase() : suffix
          same(pre + (kelvin ? s.replace(/k/i, '\u212a') : s) + post)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it("gives each hop's byMicrosoft, byEop and fromMicrosoft as the reference tests do", () => {
    for (const [from, by] of [
      ['mta1.phishsim-test.com', 'BN8NAM11FT058.mail.protection.outlook.com'],
      [
        'BN8NAM11FT058.eop-nam11.prod.protection.outlook.com',
        'BN9PR03CA0517.outlook.office365.com',
      ],
      ['NAM12-DM6-obe.outbound.protection.outlook.com', 'mx.example.'],
      ['x.outloo\u212a.com', 'y.protection.outloo\u212a.com.'],
    ] as const) {
      const hop = parseReceived(
        `from ${from} (198.51.100.25) by ${by} with ESMTP; Tue, 17 Nov 2026`,
      )
      expect(hop.byMicrosoft).toBe(refMicrosoft(by))
      expect(hop.byEop).toBe(refEop(by))
      expect(hop.fromMicrosoft).toBe(refMicrosoft(from))
    }
  })
})
