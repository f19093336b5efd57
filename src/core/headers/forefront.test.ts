import { describe, expect, it } from 'vitest'
import { decodeAntispam } from './antispam.js'
import { decodeForefrontReport } from './forefront.js'

describe('decodeForefrontReport', () => {
  it('decodes every documented field', () => {
    const r = decodeForefrontReport(
      'CIP:198.51.100.25;CTRY:US;LANG:en;SCL:5;SRV:BULK;IPV:NLI;SFV:SPM;H:mta1.example.com;PTR:mta1.example.com;CAT:BULK;SFTY:9.25;SFS:(13230040)(4636009);DIR:INB;SFP:1102;X-CustomSpam:Web bug;ARC:AAR:x;',
    )
    expect(r).toMatchObject({
      cip: '198.51.100.25',
      ctry: 'US',
      lang: 'en',
      h: 'mta1.example.com',
      ptr: 'mta1.example.com',
      dir: 'INB',
      scl: 5,
      srv: 'BULK',
      ipv: 'NLI',
      sfv: 'SPM',
      cat: 'BULK',
      sfty: '9.25',
      sfs: ['13230040', '4636009'],
      sfp: '1102',
      customSpam: 'Web bug',
      renamed: false,
      outbound: false,
    })
    const byKey = Object.fromEntries(r.fields.map((f) => [f.key, f]))
    expect(byKey['CIP']?.meaning).toMatch(/IP Allow\/Block List/)
    expect(byKey['CTRY']?.meaning).toMatch(/country/)
    expect(byKey['LANG']?.meaning).toMatch(/language/)
    expect(byKey['H']?.meaning).toMatch(/HELO/)
    expect(byKey['PTR']?.meaning).toMatch(/reverse DNS/)
    expect(byKey['DIR']?.meaning).toMatch(/inbound/)
    expect(byKey['SCL']?.meaning).toMatch(/spam confidence level 5: spam/)
    expect(byKey['SRV']?.meaning).toMatch(/bulk mail.*BCL threshold/)
    expect(byKey['SFV']?.meaning).toMatch(/spam/)
    expect(byKey['CAT']?.meaning).toMatch(/bulk/)
    expect(byKey['SFTY']?.meaning).toMatch(/first-contact/)
    expect(byKey['SFS']?.meaning).toMatch(/rule IDs/)
    expect(byKey['X-CustomSpam']?.meaning).toMatch(/Advanced Spam Filter.*SCL 9/)
    expect(byKey['SFP']?.meaning).toMatch(/clean outbound/)
    expect(byKey['ARC']?.meaning).toMatch(/AAR/)
    expect(r.fields.every((f) => f.known)).toBe(true)
  })

  it('keeps unknown and legacy fields, drops (null) and survives folding spaces', () => {
    const r = decodeForefrontReport(
      'CIP:192.0.2.1; CTRY:GB;UIP:(null);(null);(null)SFV:SKI; EFV:NLI;SRVR:DB5PR01;XYZ:1;LANG:en',
    )
    expect(r.sfv).toBe('SKI')
    expect(r.ctry).toBe('GB')
    expect(r.unknown).toEqual({ XYZ: '1' })
    expect(r.fields.find((f) => f.key === 'EFV')?.meaning).toMatch(/legacy/)
    expect(r.fields.find((f) => f.key === 'XYZ')?.known).toBe(false)
  })

  it('keeps IPv6 CIPs whole (split on the first colon only)', () => {
    const r = decodeForefrontReport('CIP:2a01:111:f400:7e8a::44;DIR:INB;')
    expect(r.cip).toBe('2a01:111:f400:7e8a::44')
  })

  it('flags outbound scans and renamed copies', () => {
    expect(decodeForefrontReport('CIP:255.255.255.255;DIR:OUT;').outbound).toBe(true)
    expect(decodeForefrontReport('CIP:255.255.255.255;DIR:INT;').outbound).toBe(false)
    expect(decodeForefrontReport('DIR:OUT;').outbound).toBe(true)
    expect(
      decodeForefrontReport('CIP:1.2.3.4;DIR:INB;', 'X-Forefront-Antispam-Report-Untrusted')
        .renamed,
    ).toBe(true)
  })

  it('resolves SKI in the field meanings from IPV and DIR', () => {
    const allow = decodeForefrontReport('IPV:CAL;SFV:SKI;DIR:INB')
    expect(allow.fields.find((f) => f.key === 'SFV')?.meaning).toMatch(/IP Allow List/)
    const internal = decodeForefrontReport('SFV:SKI;DIR:INT;IPV:NLI')
    expect(internal.fields.find((f) => f.key === 'SFV')?.meaning).toMatch(/intra-organisation/)
  })

  it('is safe with hostile keys', () => {
    const r = decodeForefrontReport('__proto__:x;constructor:y;')
    expect(r.unknown['__proto__']).toBe('x')
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })
})

describe('decodeAntispam', () => {
  it('reads BCL and PCL and keeps diagnostic fields', () => {
    const a = decodeAntispam('BCL:7;PCL:2;ARA:13230040|376014;RULEID:;SRVR:x;Foo:1')
    expect(a.bcl).toBe(7)
    expect(a.pcl).toBe(2)
    expect(a.fields.find((f) => f.key === 'BCL')?.meaning).toMatch(/mixed.*default \(7\)/)
    expect(a.fields.find((f) => f.key === 'ARA')?.meaning).toBe('diagnostic field')
    expect(a.fields.find((f) => f.key === 'Foo')?.known).toBe(false)
    expect(decodeAntispam('BCL:0;', 'X-Microsoft-Antispam-Untrusted').renamed).toBe(true)
  })
})
