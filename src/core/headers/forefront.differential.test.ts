/**
 * Differential test of the X-Forefront-Antispam-Report decoder's one-pass rewrite: the SFS rule
 * IDs read without a regex (ruleIds) must be what `(sfs.match(/[^()\s]+/g) ?? []).slice(0, 256)`
 * gives, white space as the regex's `\s` (Unicode spaces and the BOM included), and the decoded
 * report (fields, meanings, unknown fields) must be what the two-pass decoder gave.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { splitPairs } from './fields.js'
import { decodeForefrontReport, ruleIds } from './forefront.js'
import * as fixtures from './test-fixtures.js'

const reference = (sfs: string): string[] => (sfs.match(/[^()\s]+/g) ?? []).slice(0, 256)

describe('ruleIds: SFS rule IDs without the regex', () => {
  it('agrees with the regex on edge shapes', () => {
    const inputs = [
      '',
      '()',
      '(13230040)(4636009)(376014)',
      ' (1) ( 2 )(3',
      'a b\tc\nd',
      '(1)\u00a0(2)\u2003(3)\ufeff(4)\u3000(5)\u2028(6)',
      'x\u200by', // zero-width space: not white space
      '((nested))',
      ')(',
      '(' + '1)('.repeat(300),
      'é(ü)',
    ]
    for (const s of inputs) expect(ruleIds(s), JSON.stringify(s)).toEqual(reference(s))
  })

  it('keeps the first 256 IDs and no more', () => {
    const many = Array.from({ length: 300 }, (_, i) => `(${i})`).join('')
    expect(ruleIds(many)).toHaveLength(256)
    expect(ruleIds(many)[255]).toBe('255')
  })

  it('agrees with the regex on generated values', () => {
    const units = ['(', ')', ' ', '\t', '\u00a0', '\u2000', '\ufeff', '1', '23', 'a', 'é', '\u200b']
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...units), { maxLength: 80 }).map((a) => a.join('')),
        (s) => {
          expect(ruleIds(s)).toEqual(reference(s))
        },
      ),
      { numRuns: 3000 },
    )
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(ruleIds(s)).toEqual(reference(s))
      }),
      { numRuns: 1000 },
    )
  })
})

describe('decodeForefrontReport in one pass', () => {
  it('words every field from the finished report (SFV:SKI reads AuthAs, CIP reads DIR)', () => {
    const r = decodeForefrontReport(
      'CIP:255.255.255.255;SFV:SKI;DIR:INT;IPV:NLI;SCL:-1;X-CustomSpam:Image links;Foo:1;foo:2;Foo:3',
      'X-Forefront-Antispam-Report',
      0,
      { authAs: 'Internal' },
    )
    const json = JSON.parse(JSON.stringify(r)) as typeof r
    expect(json.fields.map((f) => f.key)).toEqual([
      'CIP',
      'SFV',
      'DIR',
      'IPV',
      'SCL',
      'X-CustomSpam',
      'Foo',
      'foo',
      'Foo',
    ])
    // DIR comes after CIP, yet CIP is worded with it: the meaning is read from the whole report.
    expect(json.fields[0]?.meaning).toBe('connecting IP hidden (internal mail)')
    // An unknown key keeps its first value; keys differing in case are apart.
    expect(json.unknown).toEqual({ Foo: '1', foo: '2' })
    expect(json.fields[6]?.known).toBe(false)
    expect(json.fields[5]?.known).toBe(true)
    expect(r.renamed).toBe(false)
  })

  it('tells renamed copies by name, in any case', () => {
    expect(decodeForefrontReport('SFV:NSPM', 'X-Forefront-Antispam-Report').renamed).toBe(false)
    expect(decodeForefrontReport('SFV:NSPM', 'x-forefront-antispam-report').renamed).toBe(false)
    expect(decodeForefrontReport('SFV:NSPM', 'X-FOREFRONT-ANTISPAM-REPORT').renamed).toBe(false)
    expect(decodeForefrontReport('SFV:NSPM', 'X-Forefront-Antispam-Report-Untrusted').renamed).toBe(
      true,
    )
  })

  it('gives one field per pair and the unknown fields from them, for every sample report', () => {
    let n = 0
    for (const [name, v] of Object.entries(fixtures)) {
      if (!name.startsWith('SAMPLE_') || typeof v !== 'string') continue
      for (const line of v.split(/\r?\n(?![ \t])/)) {
        const m = /^(X-Forefront-Antispam-Report[^:]*):([\s\S]*)$/i.exec(line)
        if (!m) continue
        const value = (m[2] ?? '').replace(/\r?\n/g, '').trim()
        const r = decodeForefrontReport(value, m[1] ?? '', 0, { authAs: 'Anonymous' })
        const pairs = splitPairs(value)
        expect(r.fields.map((f) => [f.key, f.value])).toEqual(pairs.map((p) => [p.key, p.value]))
        const unknown: Record<string, string> = {}
        for (const f of r.fields) if (!f.known && !(f.key in unknown)) unknown[f.key] = f.value
        expect({ ...r.unknown }).toEqual(unknown)
        for (const f of r.fields) expect(f.meaning.length).toBeGreaterThan(0)
        n++
      }
    }
    expect(n).toBeGreaterThan(10)
  })
})
