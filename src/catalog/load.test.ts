import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { describe, expect, it } from 'vitest'
import { isPassageError, PassageError } from '../core/errors/index.js'
import { isSharedDomain, isValidDomain, parseIpEntry } from '../core/net/index.js'
import { MECHANISMS } from '../core/mechanisms/index.js'
import { PROTECTIONS } from '../core/protections/definitions.js'
import { PARAM_REF, type VendorParam, type VendorProfileInput } from '../core/vendor/profile.js'
import { resolveVendor } from '../core/vendor/resolve.js'
import { getVendor, loadCatalog, loadVendorFile, parseVendorProfile } from './index.js'
import { MAX_VENDOR_FILE_BYTES } from './load.js'
import { unsourcedValues } from './load.js'

const chooseVendorFromCatalog = (id: string, params: Record<string, string>) =>
  resolveVendor(getVendor(id), params)

const REQUIRED_IDS = [
  'trustifi',
  'contactmonkey',
  'knowbe4',
  'hoxhunt',
  'proofpoint-security-awareness',
  'barracuda-security-awareness',
  'mimecast',
  'infosec-iq',
  'custom',
]
const SIMULATORS = [
  'knowbe4',
  'hoxhunt',
  'proofpoint-security-awareness',
  'barracuda-security-awareness',
  'infosec-iq',
]

/** Runs `f` and returns the PassageError it throws (fails the test if it throws none). */
function caught(f: () => unknown): PassageError {
  try {
    f()
  } catch (e) {
    if (isPassageError(e)) return e
    throw e
  }
  throw new Error('expected a PassageError')
}

const tmp = mkdtempSync(join(tmpdir(), 'passage-catalog-'))
let n = 0
/** Writes a file in the test's temporary folder and returns its path. */
function file(name: string, text: string): string {
  const path = join(tmp, `${n++}-${name}`)
  writeFileSync(path, text)
  return path
}

const MINIMAL: VendorProfileInput = {
  id: 'acme',
  name: 'Acme Mailer',
  category: 'internal-comms',
  summary: 'test',
  asOf: '2026-11-22',
  sources: [{ title: 'test' }],
}

/** A plausible value for every parameter of a profile (all of them, to resolve every list). */
function sampleParams(params: VendorParam[]): Record<string, string> {
  const samples: Record<VendorParam['type'], string> = {
    ipv4: '167.89.10.20',
    'ip-list': '167.89.10.20,167.89.11.0/24',
    domain: 'mail.vendor-sample.com',
    'domain-list': 'mail.vendor-sample.com,bounce.vendor-sample.com',
    enum: '',
    string: 'Sample Vendor',
  }
  return Object.fromEntries(
    params.map((p) => [p.key, p.type === 'enum' ? (p.options?.[0] ?? '') : samples[p.type]]),
  )
}

describe('loadCatalog', () => {
  const catalog = loadCatalog()

  it('loads every profile, sorted by id', () => {
    const ids = catalog.map((v) => v.id)
    expect(ids).toEqual([...ids].sort())
    expect(ids).toEqual(expect.arrayContaining(REQUIRED_IDS))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('returns copies: changing one does not change the catalog', () => {
    const first = loadCatalog()
    first[0]?.sending.ips.push('192.0.2.1')
    expect(loadCatalog()).toEqual(catalog)
  })

  it.each(REQUIRED_IDS)('%s has a summary, sources, a date and plain-English text', (id) => {
    const v = getVendor(id)
    expect(v.summary.length).toBeGreaterThan(20)
    expect(v.sources.length).toBeGreaterThan(0)
    for (const s of v.sources) if (s.url) expect(s.url).toMatch(/^https:\/\//)
    expect(v.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(v.asks.length).toBeGreaterThan(0)
    expect(v.notes.length).toBeGreaterThan(0)
    expect(v.recommended.length).toBeGreaterThan(0)
  })

  it('every recipe mechanism serves its protection and is not one passage refuses', () => {
    for (const v of catalog)
      for (const [protection, mechanism] of Object.entries(v.recipe)) {
        const def = PROTECTIONS.find((p) => p.id === protection)
        expect(def?.mechanisms, `${v.id}: ${protection}`).toContain(mechanism)
        if (mechanism)
          expect(MECHANISMS[mechanism].refused, `${v.id}: ${mechanism}`).toBeUndefined()
      }
  })

  it('every literal IP is a public IPv4 address or block, every literal domain valid', () => {
    for (const v of catalog) {
      const lists = [
        v.sending,
        ...Object.values(v.variants).flatMap((byValue) => Object.values(byValue)),
      ]
      for (const s of lists) {
        for (const ip of s.ips ?? []) {
          if (PARAM_REF.test(ip)) continue
          const e = parseIpEntry(ip)
          expect(e?.family, `${v.id}: ${ip}`).toBe('ipv4')
          expect(e?.range, `${v.id}: ${ip}`).toBe('unicast')
        }
        for (const d of [
          ...(s.envelopeDomains ?? []),
          ...(s.dkimDomains ?? []),
          ...(s.headerFromDomains ?? []),
          ...(s.linkDomains ?? []),
        ])
          if (!PARAM_REF.test(d)) expect(isValidDomain(d), `${v.id}: ${d}`).toBe(true)
      }
    }
  })

  it('no profile lists a consumer or shared domain', () => {
    for (const v of catalog) {
      const lists = [
        v.sending,
        ...Object.values(v.variants).flatMap((byValue) => Object.values(byValue)),
      ]
      for (const s of lists)
        for (const d of [
          ...(s.envelopeDomains ?? []),
          ...(s.dkimDomains ?? []),
          ...(s.headerFromDomains ?? []),
          ...(s.linkDomains ?? []),
        ])
          expect(isSharedDomain(d), `${v.id}: ${d}`).toBe(false)
    }
  })

  it.each(REQUIRED_IDS)('%s resolves with every parameter given, leaving no reference', (id) => {
    const v = getVendor(id)
    const r = resolveVendor(v, sampleParams(v.params))
    for (const list of Object.values(r.sending))
      for (const entry of list) expect(entry).not.toMatch(/\$\{/)
    expect(r.name).not.toMatch(/\$\{/)
  })
})

describe('vendor facts', () => {
  it("Trustifi: exactly the seed's four relay IPs, the seed rule and the wizard's protections", () => {
    const t = getVendor('trustifi')
    expect(t.category).toBe('inbound-relay')
    expect([...t.sending.ips].sort()).toEqual(
      ['3.93.243.176', '3.93.139.220', '54.195.145.1', '3.251.32.127'].sort(),
    )
    expect(t.params).toEqual([])
    expect(t.ruleName).toBe('Trustifi Inbound Bypass Clutter')
    expect(t.relayRulePatterns).toEqual(['trustifi'])
    expect([...t.recommended].sort()).toEqual(
      ['anti-spam', 'clutter', 'safe-links', 'safe-attachments', 'spoof', 'zap'].sort(),
    )
    expect(t.recipe).toEqual({
      'anti-spam': 'scoped-rule',
      clutter: 'bypass-clutter-header',
      'safe-links': 'skip-safe-links-header',
      'safe-attachments': 'skip-safe-attachments-header',
      spoof: 'tabl-spoof-allow',
      zap: 'disable-zap',
    })
  })

  it('ContactMonkey: a required region with link domains per region, and the dedicated IP', () => {
    const cm = getVendor('contactmonkey')
    expect(cm.category).toBe('internal-comms')
    const region = cm.params.find((p) => p.key === 'region')
    expect(region).toMatchObject({ type: 'enum', required: true })
    expect([...(region?.options ?? [])].sort()).toEqual(['au', 'ca', 'eu', 'us'])
    expect(cm.params.find((p) => p.key === 'dedicatedIp')).toMatchObject({
      type: 'ipv4',
      required: true,
    })
    expect(cm.params.find((p) => p.key === 'trackingDomain')).toMatchObject({
      type: 'domain',
      required: false,
    })
    const links = (value: string) => cm.variants.region?.[value]?.linkDomains ?? []
    expect(links('us')).toEqual(['contactmonkey.com'])
    expect([...links('au')].sort()).toEqual(['contactmonkey.au', 'tkau.cmnky.co'])
    expect([...links('ca')].sort()).toEqual(['contactmonkey.ca', 'tkca.cmnky.co'])
    expect([...links('eu')].sort()).toEqual(['contactmonkeyeu.com', 'tk.cmnky.co'])
    expect(cm.sending.headerFromDomains).toEqual([])
    expect(cm.sending.envelopeDomains).toEqual([])

    const eu = resolveVendor(cm, { region: 'eu', dedicatedIp: '167.89.10.20' })
    expect(eu.sending.ips).toEqual(['167.89.10.20'])
    expect(eu.sending.linkDomains).toEqual(
      expect.arrayContaining(['contactmonkeyeu.com', 'tk.cmnky.co', 'daer.contactmonkey.org']),
    )
    expect(eu.sending.linkDomains).not.toContain('contactmonkey.com')
    const own = resolveVendor(cm, {
      region: 'us',
      dedicatedIp: '167.89.10.20',
      trackingDomain: 'track.fabrikam.com',
    })
    expect(own.sending.linkDomains).toContain('track.fabrikam.com')
    expect(cm.recipe).toMatchObject({
      'anti-spam': 'ip-allow',
      bulk: 'bulk-threshold',
      'safe-links': 'do-not-rewrite',
      tabl: 'tabl-url-allow',
    })
  })

  it.each(SIMULATORS)('%s: advanced delivery, with its simulation domains as a parameter', (id) => {
    const v = getVendor(id)
    expect(v.category).toBe('phishing-simulation')
    expect(v.recommended).toEqual(['advanced-delivery'])
    expect(v.params.find((p) => p.key === 'simulationDomains')).toMatchObject({
      type: 'domain-list',
      required: true,
    })
    expect(v.sending.envelopeDomains).toContain('${simulationDomains}')
    // Sending IPs: given, a parameter, or (KnowBe4) chosen by a variant.
    const variantIps = Object.values(v.variants).flatMap((byValue) =>
      Object.values(byValue).flatMap((x) => x.ips ?? []),
    )
    expect(v.sending.ips.length + variantIps.length).toBeGreaterThan(0)
  })

  it('published simulation IPs are the reference values; unpublished ones are parameters', () => {
    // KnowBe4's IPs depend on its instance (the region parameter, default us).
    expect(getVendor('knowbe4').variants.region?.us?.ips).toEqual([
      '23.21.109.197',
      '23.21.109.212',
      '147.160.167.0/26',
    ])
    expect(getVendor('knowbe4').headers).toEqual(['X-PHISHTEST'])
    expect(getVendor('hoxhunt').sending.ips).toEqual([
      '37.139.12.94',
      '35.156.0.138',
      '193.3.183.0/25',
    ])
    expect(getVendor('barracuda-security-awareness').sending.ips).toEqual(['3.145.232.16/28'])
    for (const id of ['proofpoint-security-awareness', 'infosec-iq']) {
      const v = getVendor(id)
      expect(v.sending.ips).toEqual(['${sendingIps}'])
      expect(v.params.find((p) => p.key === 'sendingIps')).toMatchObject({
        type: 'ip-list',
        required: true,
      })
    }
  })

  it('Mimecast: gateway IPs as a parameter, enhanced filtering recommended', () => {
    const m = getVendor('mimecast')
    expect(m.category).toBe('gateway-mx')
    expect(m.sending.ips).toEqual(['${gatewayIps}'])
    expect(m.recommended).toEqual(['enhanced-filtering'])
    expect(m.recipe).toEqual({ 'anti-spam': 'ip-allow', 'connection-filter': 'ip-allow' })
  })

  it('custom: name and category come from parameters', () => {
    const c = getVendor('custom')
    const r = resolveVendor(c, { name: 'Acme Mailer', ips: '167.89.10.20' })
    expect(r).toMatchObject({ name: 'Acme Mailer', category: 'internal-comms' })
    expect(r.sending.ips).toEqual(['167.89.10.20'])
    const sim = resolveVendor(c, {
      name: 'Sim',
      category: 'phishing-simulation',
      envelopeDomains: 'sim.example-phish.com',
    })
    expect(sim.category).toBe('phishing-simulation')
    expect(sim.sending.envelopeDomains).toEqual(['sim.example-phish.com'])
  })
})

describe('refusals name a custom service by the name it was given', () => {
  const refusal = (given: Record<string, string>) => {
    try {
      resolveVendor(getVendor('custom'), given)
    } catch (e) {
      if (e instanceof PassageError) return e
    }
    throw new Error('not refused')
  }

  it('its given name, not the id custom; the id stays in the details for scripts', () => {
    const e = refusal({ name: 'Beta Mailer', linkDomains: 'bit.ly' })
    expect(e.message).toMatch(/^Beta Mailer: parameter 'linkDomains'/)
    expect(e.details).toMatchObject({ vendor: 'custom', param: 'linkDomains' })
  })

  it("'The custom service' when it has no usable name", () => {
    expect(refusal({ name: 'x'.repeat(200), ips: 'not-an-ip' }).message).toMatch(
      /^The custom service: parameter/,
    )
  })
})

describe('getVendor', () => {
  it('finds a vendor by id, ignoring case and spaces', () => {
    expect(getVendor(' Trustifi ').id).toBe('trustifi')
  })

  it.each([
    ['trustfi', 'trustifi'],
    ['knowbe', 'knowbe4'],
    ['proofpoint', 'proofpoint-security-awareness'],
    ['contact-monkey', 'contactmonkey'],
  ])("unknown '%s' gives PASSAGE_E_VENDOR_UNKNOWN suggesting '%s'", (typed, suggestion) => {
    const e = caught(() => getVendor(typed))
    expect(e.code).toBe('PASSAGE_E_VENDOR_UNKNOWN')
    expect(e.message).toContain(typed)
    expect(e.hint).toContain(`'${suggestion}'`)
    expect(e.details).toMatchObject({ suggestion })
  })
})

describe('loadVendorFile', () => {
  it('reads a YAML or JSON profile', () => {
    const yaml = loadVendorFile(
      file('acme.yaml', stringify({ ...MINIMAL, sending: { ips: ['167.89.10.20'] } })),
    )
    expect(yaml).toMatchObject({ id: 'acme', sending: { ips: ['167.89.10.20'] } })
    const json = loadVendorFile(file('acme.json', JSON.stringify(MINIMAL)))
    expect(json.id).toBe('acme')
  })

  it('refuses a profile over the size cap at once (the YAML key check is quadratic)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`).join('\n')
    const e = caught(() => loadVendorFile(file('huge.yaml', keys)))
    expect(e.code).toBe('PASSAGE_E_VENDOR_INVALID')
    expect(e.message).toContain(`at most ${MAX_VENDOR_FILE_BYTES / 1024} KB`)
  })

  it('gives PASSAGE_E_FILE for a file it cannot read', () => {
    const e = caught(() => loadVendorFile(join(tmp, 'does-not-exist.yaml')))
    expect(e.code).toBe('PASSAGE_E_FILE')
    expect(caught(() => loadVendorFile(tmp)).code).toBe('PASSAGE_E_FILE')
  })

  it('gives PASSAGE_E_VENDOR_INVALID for a file that is not a profile', () => {
    const cases = [
      file('broken.yaml', 'id: [unclosed'),
      file('broken.json', '{"id": '),
      file('empty.yaml', ''),
      file('missing.yaml', stringify({ id: 'acme', name: 'Acme' })),
      file('badcategory.yaml', stringify({ ...MINIMAL, category: 'newsletter' })),
      file('badprotection.yaml', stringify({ ...MINIMAL, recommended: ['everything'] })),
    ]
    for (const path of cases) {
      const e = caught(() => loadVendorFile(path))
      expect(e.code, path).toBe('PASSAGE_E_VENDOR_INVALID')
      expect(e.message, path).toContain(path)
    }
    const e = caught(() => loadVendorFile(cases[4] ?? ''))
    expect(e.message).toMatch(/category/)
  })
})

describe('references and variants are checked', () => {
  const invalid = (input: Partial<VendorProfileInput>, pattern: RegExp) => {
    const e = caught(() => parseVendorProfile({ ...MINIMAL, ...input }, 'vendor profile test'))
    expect(e.code).toBe('PASSAGE_E_VENDOR_INVALID')
    expect(e.message).toMatch(pattern)
  }
  const ipParam = { key: 'ips', label: 'IPs', description: 'd', type: 'ip-list' as const }
  const region = {
    key: 'region',
    label: 'Region',
    description: 'd',
    type: 'enum' as const,
    options: ['us', 'eu'],
  }

  it('accepts declared references and enum variants', () => {
    const p = parseVendorProfile({
      ...MINIMAL,
      params: [ipParam, region],
      sending: { ips: ['${ips}'] },
      variants: { region: { eu: { linkDomains: ['eu.acme-mailer.com'] } } },
    })
    expect(p.variants.region?.eu?.linkDomains).toEqual(['eu.acme-mailer.com'])
  })

  it('refuses a reference to an undeclared parameter', () => {
    invalid(
      { sending: { ips: ['${nope}'] } },
      /sending\.ips\[0\]: '\$\{nope\}' names no declared parameter/,
    )
    invalid({ name: '${nope}' }, /name: .*no declared parameter/)
    invalid(
      { params: [region], variants: { region: { eu: { linkDomains: ['${other}'] } } } },
      /variants\.region\.eu\.linkDomains\[0\]/,
    )
  })

  it('refuses a reference of the wrong type, or not the whole entry', () => {
    invalid({ params: [ipParam], sending: { linkDomains: ['${ips}'] } }, /ip-list parameter/)
    invalid({ params: [ipParam], sending: { ips: ['10.${ips}'] } }, /whole entry/)
    invalid({ params: [region], category: '${region}' }, /not categories: us, eu/)
  })

  it('refuses variants that name no enum parameter or no option of it', () => {
    invalid(
      { variants: { region: { us: { linkDomains: ['acme-mailer.com'] } } } },
      /no declared parameter/,
    )
    invalid({ params: [ipParam], variants: { ips: { x: {} } } }, /enum parameter/)
    invalid(
      { params: [region], variants: { region: { ca: {} } } },
      /'ca' is not an option of 'region'/,
    )
  })

  it('refuses bad parameter declarations and literal entries', () => {
    invalid({ params: [ipParam, ipParam] }, /duplicate parameter 'ips'/)
    invalid({ params: [{ ...region, options: [] }] }, /needs options/)
    invalid({ params: [{ ...region, default: 'ca' }] }, /'ca' is not one of us, eu/)
    invalid({ sending: { ips: ['not-an-ip'] } }, /not an IP address/)
    invalid({ sending: { linkDomains: ['not a domain'] } }, /not a domain/)
  })

  it('also applies to files', () => {
    const path = file('ref.yaml', stringify({ ...MINIMAL, sending: { ips: ['${nope}'] } }))
    const e = caught(() => loadVendorFile(path))
    expect(e.code).toBe('PASSAGE_E_VENDOR_INVALID')
    expect(e.message).toContain(path)
  })
})

describe('vendor facts and their sources', () => {
  /** Profiles that need not cite: the user-described one, and Trustifi (another change in flight). */
  const FLAGGED = new Set(['custom', 'trustifi'])

  it('every catalog vendor but the flagged ones cites a public source (or says it has none) for each literal sending value', () => {
    for (const p of loadCatalog()) {
      if (FLAGGED.has(p.id)) continue
      expect(unsourcedValues(p), p.id).toEqual([])
      for (const f of p.facts) expect(f.source.read, p.id).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    }
  })

  it('refuses a fact with neither a page nor a reason, and a fact naming a value the profile lacks', () => {
    const base = getVendor('hoxhunt')
    expect(() =>
      parseVendorProfile({
        ...base,
        facts: [{ values: ['37.139.12.94'], source: { read: '2026-12-06' } }],
      }),
    ).toThrow(/unpublished/)
    expect(() =>
      parseVendorProfile({
        ...base,
        facts: [
          { values: ['198.51.100.1'], source: { url: 'https://x.example/a', read: '2026-12-06' } },
        ],
      }),
    ).toThrow(/not a literal sending value/)
    expect(() =>
      parseVendorProfile({
        ...base,
        facts: [
          { values: ['37.139.12.94'], source: { url: 'http://x.example/a', read: '2026-12-06' } },
        ],
      }),
    ).toThrow(PassageError)
  })

  it('says where a fact has no public source (Infosec IQ: a 2021 forum post)', () => {
    const f = getVendor('infosec-iq').facts[0]
    expect(f?.source.url).toBeUndefined()
    expect(f?.source.unpublished).toMatch(/2021/)
  })

  it('KnowBe4 takes a region: the EU instance sends from its own addresses', () => {
    const us = chooseVendorFromCatalog('knowbe4', { simulationDomains: 'tests.example.net' })
    const eu = chooseVendorFromCatalog('knowbe4', {
      simulationDomains: 'tests.example.net',
      region: 'eu',
    })
    expect(us.sending.ips).toEqual(['23.21.109.197', '23.21.109.212', '147.160.167.0/26'])
    expect(eu.sending.ips).toEqual(['52.49.201.246', '52.49.235.189'])
  })

  it('simulate.link-shapes: ContactMonkey links carry its tracker paths', () => {
    expect(getVendor('contactmonkey').linkPaths.map((p) => p.split('?')[0])).toEqual([
      '/api/v1/tracker',
      '/read',
    ])
  })

  it('Hoxhunt includes its newer range 193.3.183.0/25', () => {
    expect(getVendor('hoxhunt').sending.ips).toContain('193.3.183.0/25')
  })
})
