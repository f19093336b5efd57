/**
 * The rules conclude() draws from trusted headers (issue 18: each rule pinned so that a mutant of
 * conclusion.ts makes a test fail). Each test names the rule it pins.
 *
 * The behaviour modelled is Microsoft's: the anti-spam message headers page
 * (MicrosoftDocs/defender-docs, defender-office-365/message-headers-eop-mdo.md: SFV, CAT, DIR, IPV,
 * SCL, SFTY, SRV, X-Microsoft-Antispam-Mailbox-Delivery) and the default anti-spam policy's
 * actions (defender-office-365/recommended-settings-for-eop-and-office365.md), as summarised in
 * /work/shared/reference/message-headers.md §1.1-§1.5.
 */
import { describe, expect, it } from 'vitest'
import type { AntispamHeader } from './antispam.js'
import type { AuthResults } from './auth-results.js'
import { conclude, type Conclusion, type ConclusionInput } from './conclusion.js'
import type { ForefrontReport } from './forefront.js'
import type { MailboxDelivery } from './mailbox-delivery.js'
import { decodeOrganization, type OrganizationHeaders } from './organization.js'

/** The report header as found, in lower case (so that it differs from the default name). */
const RH = 'x-forefront-antispam-report'
const MDH = 'X-Microsoft-Antispam-Mailbox-Delivery'
const ORG_SCL = 'X-MS-Exchange-Organization-SCL'

function report(o: Partial<ForefrontReport> = {}): ForefrontReport {
  return {
    header: RH,
    index: 8,
    raw: '',
    renamed: false,
    outbound: false,
    cip: '198.51.100.25',
    ctry: null,
    lang: null,
    h: null,
    ptr: null,
    dir: 'INB',
    scl: null,
    srv: null,
    ipv: null,
    sfv: null,
    cat: null,
    sfty: null,
    sfs: [],
    customSpam: null,
    sfp: null,
    fields: [],
    unknown: {},
    ...o,
  }
}

function delivery(o: Partial<MailboxDelivery> = {}): MailboxDelivery {
  return {
    raw: '',
    index: 3,
    dest: null,
    folder: null,
    ofr: null,
    rf: null,
    flags: {},
    fields: [],
    ...o,
  }
}

const inbox = (o: Partial<MailboxDelivery> = {}) => delivery({ dest: 'I', folder: 'inbox', ...o })
const junk = (o: Partial<MailboxDelivery> = {}) => delivery({ dest: 'J', folder: 'junk', ...o })

/** No organisation headers (what the decoder gives for none), with `o` over it. */
function org(o: Partial<OrganizationHeaders> = {}): OrganizationHeaders {
  return { ...decodeOrganization([]), ...o }
}

function antispam(o: Partial<AntispamHeader> = {}): AntispamHeader {
  return {
    header: 'x-microsoft-antispam',
    index: 9,
    raw: '',
    renamed: false,
    bcl: null,
    pcl: null,
    fields: [],
    ...o,
  }
}

function auth(o: Partial<AuthResults> = {}): AuthResults {
  return {
    header: 'authentication-results',
    index: 4,
    raw: '',
    renamed: false,
    microsoft: true,
    spf: 'pass',
    dkim: 'pass',
    dmarc: 'pass',
    dmarcAction: 'none',
    compauth: 'pass',
    reason: '100',
    reasonMeaning: null,
    reasonSource: null,
    mailFrom: null,
    headerFrom: null,
    dkimDomains: [],
    methods: [],
    ...o,
  }
}

function run(o: Partial<ConclusionInput> = {}): Conclusion {
  return conclude({
    report: null,
    delivery: null,
    org: null,
    antispam: null,
    auth: null,
    fromEntity: null,
    ...o,
  })
}

/** The evidence for one conclusion prefix (e.g. `verdict`), as [conclusion, header, value]. */
const ev = (c: Conclusion, prefix: string): [string, string, string][] =>
  c.evidence
    .filter((e) => e.conclusion.startsWith(`${prefix}:`))
    .map((e) => [e.conclusion, e.header, e.value])

const hasFinding = (c: Conclusion, re: RegExp): boolean => c.findings.some((f) => re.test(f))

describe('conclude: nothing to note', () => {
  it('a clean inbound message delivered to the Inbox, or predicted there, has no findings', () => {
    const clean = { report: report({ scl: 1, sfv: 'NSPM', cat: 'NONE' }), auth: auth() }
    expect(run({ ...clean, delivery: inbox() }).findings).toEqual([])
    const predicted = run(clean)
    expect(predicted.verdictBasis).toBe('default-policy')
    expect(predicted.findings).toEqual([])
  })
})

describe('conclude: direction (DIR, else MessageDirectionality, else FromEntityHeader)', () => {
  it.each([
    ['INB', 'inbound'],
    ['OUT', 'outbound'],
    ['INT', 'internal'],
  ] as const)(
    'DIR:%s in the report is the direction %s, with DIR as evidence',
    (dir, direction) => {
      const c = run({ report: report({ dir }), org: org({ messageDirectionality: 'Originating' }) })
      expect(c.direction).toBe(direction)
      expect(ev(c, 'direction')).toEqual([[`direction: ${direction}`, RH, `DIR:${dir}`]])
    },
  )

  it('an unknown DIR value is not a direction: the organisation header decides', () => {
    const c = run({
      report: report({ dir: 'XYZ' }),
      org: org({ messageDirectionality: 'Incoming' }),
    })
    expect(c.direction).toBe('inbound')
    expect(ev(c, 'direction')).toEqual([
      ['direction: inbound', 'X-MS-Exchange-Organization-MessageDirectionality', 'Incoming'],
    ])
  })

  it('MessageDirectionality Originating (any case) is internal; another value is unknown, with no evidence and no fallback', () => {
    const internal = run({ org: org({ messageDirectionality: 'ORIGINATING' }) })
    expect(internal.direction).toBe('internal')
    expect(ev(internal, 'direction')).toEqual([
      ['direction: internal', 'X-MS-Exchange-Organization-MessageDirectionality', 'ORIGINATING'],
    ])
    const incoming = run({ org: org({ messageDirectionality: 'INCOMING' }) })
    expect(incoming.direction).toBe('inbound')
    const other = run({ org: org({ messageDirectionality: 'Sideways' }), fromEntity: 'Internet' })
    expect(other.direction).toBe('unknown')
    expect(ev(other, 'direction')).toEqual([])
  })

  it('without DIR or MessageDirectionality, FromEntityHeader Internet (any case) is inbound; anything else is unknown', () => {
    const c = run({ report: report({ dir: null }), fromEntity: 'INTERNET' })
    expect(c.direction).toBe('inbound')
    expect(ev(c, 'direction')).toEqual([
      ['direction: inbound', 'X-MS-Exchange-CrossTenant-FromEntityHeader', 'INTERNET'],
    ])
    expect(run({ fromEntity: 'HybridOnPrem' }).direction).toBe('unknown')
    expect(run({}).direction).toBe('unknown')
  })
})

describe('conclude: category, SCL and BCL', () => {
  it('an empty or NONE category reads as none, with the CAT as written for evidence; no CAT gives no evidence', () => {
    const empty = run({ report: report({ cat: '' }) })
    expect(empty.category).toBe('none')
    expect(ev(empty, 'category')).toEqual([['category: none', RH, 'CAT:']])
    const none = run({ report: report({ cat: 'NONE' }) })
    expect(none.category).toBe('none')
    expect(ev(none, 'category')).toEqual([['category: none', RH, 'CAT:NONE']])
    const absent = run({ report: report({ cat: null }) })
    expect(absent.category).toBe('none')
    expect(ev(absent, 'category')).toEqual([])
    expect(run({}).category).toBe('none')
  })

  it('HPHISH is kept as stamped but read as HPHSH (high-confidence phish, not malware) when it reaches the Inbox', () => {
    const c = run({ report: report({ cat: 'HPHISH' }), delivery: inbox() })
    expect(c.category).toBe('HPHISH')
    expect(ev(c, 'category')).toEqual([['category: HPHISH', RH, 'CAT:HPHISH']])
    expect(hasFinding(c, /^CAT:HPHISH \(high-confidence phish\) reached the Inbox/)).toBe(true)
  })

  it("the report's SCL wins over the organisation SCL, even SCL 0; without it the organisation SCL is used", () => {
    const fromReport = run({ report: report({ scl: 0 }), org: org({ scl: 6 }) })
    expect(fromReport.scl).toBe(0)
    expect(ev(fromReport, 'scl')).toEqual([['scl: 0', RH, 'SCL:0']])
    const fromOrg = run({ report: report({ scl: null }), org: org({ scl: -1 }) })
    expect(fromOrg.scl).toBe(-1)
    expect(ev(fromOrg, 'scl')).toEqual([['scl: -1', ORG_SCL, '-1']])
    const noReport = run({ org: org({ scl: 0 }) })
    expect(noReport.scl).toBe(0)
    expect(ev(noReport, 'scl')).toEqual([['scl: 0', ORG_SCL, '0']])
    const neither = run({ report: report(), org: org() })
    expect(neither.scl).toBeNull()
    expect(ev(neither, 'scl')).toEqual([])
  })

  it('BCL comes from X-Microsoft-Antispam, with that header as evidence', () => {
    const c = run({ antispam: antispam({ bcl: 0 }) })
    expect(c.bcl).toBe(0)
    expect(ev(c, 'bcl')).toEqual([['bcl: 0', 'x-microsoft-antispam', 'BCL:0']])
    const none = run({ antispam: antispam({ bcl: null }) })
    expect(none.bcl).toBeNull()
    expect(ev(none, 'bcl')).toEqual([])
    expect(run({}).bcl).toBeNull()
  })
})

describe('conclude: SFV:SKI has two meanings in Microsoft docs', () => {
  it('with IPV:CAL it is the IP Allow List (2026 docs)', () => {
    const c = run({ report: report({ sfv: 'SKI', ipv: 'CAL' }) })
    expect(hasFinding(c, /^SFV:SKI: .*with IPV:CAL it is read as the IP Allow List/)).toBe(true)
    expect(c.bypass).toBe('ip-allow')
    expect(c.bypassInferred).toBe(false)
    expect(ev(c, 'bypass')).toEqual([['bypass: ip-allow', RH, 'IPV:CAL;SFV:SKI']])
    expect(
      hasFinding(c, /^IPV:CAL with SFV:SKI: read as the connection filter's IP Allow List/),
    ).toBe(true)
  })

  it('on internal mail (DIR:INT, or AuthAs Internal) it is the older intra-organisation skip: no bypass', () => {
    const internal = run({ report: report({ sfv: 'SKI', dir: 'INT' }) })
    expect(hasFinding(internal, /on internal mail it is read with the older meaning/)).toBe(true)
    expect(internal.bypass).toBe('none')
    const authAs = run({
      report: report({ sfv: 'SKI', dir: 'INB' }),
      org: org({ authAs: 'Internal' }),
    })
    expect(hasFinding(authAs, /on internal mail it is read with the older meaning/)).toBe(true)
    expect(authAs.bypass).toBe('none')
  })

  it('without IPV:CAL on inbound mail it is read as the IP Allow List, marked as inferred', () => {
    const c = run({ report: report({ sfv: 'SKI', dir: 'INB' }) })
    expect(hasFinding(c, /^SFV:SKI without IPV:CAL on non-internal mail/)).toBe(true)
    expect(c.bypass).toBe('ip-allow')
    expect(c.bypassInferred).toBe(true)
    expect(ev(c, 'bypass')).toEqual([['bypass: ip-allow (inferred: no IPV:CAL)', RH, 'SFV:SKI']])
  })

  it('without IPV:CAL on mail whose direction is not inbound the bypass is unknown', () => {
    const c = run({ report: report({ sfv: 'SKI', dir: 'OUT' }) })
    expect(c.bypass).toBe('unknown')
    expect(c.bypassInferred).toBe(false)
    expect(ev(c, 'bypass')).toEqual([])
  })

  it('no SFV:SKI, no SKI finding', () => {
    const c = run({ report: report({ sfv: 'NSPM', ipv: 'CAL' }) })
    expect(hasFinding(c, /^SFV:SKI/)).toBe(false)
  })
})

describe('conclude: the bypass, from SFV and IPV', () => {
  it('no report: the bypass is unknown; a report with no SFV or IPV: none', () => {
    expect(run({}).bypass).toBe('unknown')
    const c = run({ report: report() })
    expect(c.bypass).toBe('none')
    expect(c.bypassInferred).toBe(false)
    expect(ev(c, 'bypass')).toEqual([])
  })

  it('IPV:CAL with SFV:SKN is the IP Allow List, and the finding says the pages differ', () => {
    const c = run({ report: report({ sfv: 'SKN', ipv: 'CAL' }) })
    expect(c.bypass).toBe('ip-allow')
    expect(ev(c, 'bypass')).toEqual([['bypass: ip-allow', RH, 'IPV:CAL;SFV:SKN']])
    expect(
      hasFinding(c, /^IPV:CAL with SFV:SKN: read as the connection filter's IP Allow List/),
    ).toBe(true)
  })

  it.each([
    ['SKN', 'transport-rule'],
    ['SKA', 'anti-spam-allow'],
    ['SFE', 'safe-senders'],
  ] as const)('SFV:%s without IPV:CAL is the %s bypass', (sfv, bypass) => {
    const c = run({ report: report({ sfv }) })
    expect(c.bypass).toBe(bypass)
    expect(c.bypassInferred).toBe(false)
    expect(ev(c, 'bypass')).toEqual([[`bypass: ${bypass}`, RH, `SFV:${sfv}`]])
  })

  it('IPV:CAL with no SFV is the IP Allow List', () => {
    const c = run({ report: report({ ipv: 'CAL' }) })
    expect(c.bypass).toBe('ip-allow')
    expect(ev(c, 'bypass')).toEqual([['bypass: ip-allow', RH, 'IPV:CAL']])
  })

  it('IPV:CAL with a filtering SFV is no bypass: the IP matched but filtering still ran', () => {
    const c = run({ report: report({ ipv: 'CAL', sfv: 'SPM' }) })
    expect(c.bypass).toBe('none')
    expect(ev(c, 'bypass')).toEqual([])
    expect(
      c.findings.includes(
        "IPV:CAL with SFV:SPM: the connection filter's IP Allow List matched the IP, but spam filtering still ran (no skip verdict: SFV:SKN or SFV:SKI).",
      ),
    ).toBe(true)
  })

  it('IPV other than CAL is not the IP Allow List', () => {
    const c = run({ report: report({ ipv: 'NLI' }) })
    expect(c.bypass).toBe('none')
    expect(hasFinding(c, /IPV:CAL/)).toBe(false)
  })

  it('SFV:SKQ, SFV:BLK and SFV:DMS each get their note; other values do not', () => {
    expect(
      hasFinding(
        run({ report: report({ sfv: 'SKQ' }) }),
        /^SFV:SKQ: the message was released from quarantine/,
      ),
    ).toBe(true)
    expect(
      hasFinding(
        run({ report: report({ sfv: 'BLK' }) }),
        /^SFV:BLK: the sender is in the recipient's Blocked Senders list/,
      ),
    ).toBe(true)
    expect(hasFinding(run({ report: report({ sfv: 'DMS' }) }), /^SFV:DMS is undocumented/)).toBe(
      true,
    )
    const other = run({ report: report({ sfv: 'NSPM' }) })
    expect(hasFinding(other, /^SFV:(SKQ|BLK|DMS)/)).toBe(false)
  })
})

describe('conclude: where the message went (Mailbox-Delivery, else the default policy)', () => {
  it('dest:I is the Inbox and dest:J Junk, read from Mailbox-Delivery', () => {
    const i = run({
      report: report({ cat: 'SPM', sfv: 'SPM' }),
      delivery: inbox({ ofr: 'SpamFilterAuthJ' }),
    })
    expect([i.verdict, i.verdictBasis]).toEqual(['inbox', 'mailbox-delivery'])
    expect(ev(i, 'verdict')).toEqual([['verdict: inbox', MDH, 'dest:I']])
    const j = run({ report: report({ sfv: 'NSPM' }), delivery: junk() })
    expect([j.verdict, j.verdictBasis]).toEqual(['junk', 'mailbox-delivery'])
    expect(ev(j, 'verdict')).toEqual([['verdict: junk', MDH, 'dest:J']])
  })

  it("dest:C (an Inbox rule's custom folder) counts as delivered to the Inbox, with a note", () => {
    const c = run({
      report: report({ sfv: 'NSPM' }),
      delivery: delivery({ dest: 'C', folder: 'custom' }),
    })
    expect([c.verdict, c.verdictBasis]).toEqual(['inbox', 'mailbox-delivery'])
    expect(ev(c, 'verdict')).toEqual([['verdict: inbox', MDH, 'dest:C']])
    expect(hasFinding(c, /^dest:C: the recipient's own Inbox rule moved the message/)).toBe(true)
    expect(hasFinding(run({ delivery: inbox() }), /^dest:C/)).toBe(false)
  })

  it('a folder with no dest value as written still names the folder, with an empty dest as evidence', () => {
    const c = run({ delivery: inbox({ dest: null }) })
    expect(ev(c, 'verdict')).toEqual([['verdict: inbox', MDH, 'dest:']])
  })

  it('an unknown dest is no verdict: RF:JunkEmail (any case) then says Junk', () => {
    const c = run({
      report: report({ sfv: 'NSPM' }),
      delivery: delivery({ dest: 'X', folder: 'unknown', rf: 'JUNKEMAIL' }),
    })
    expect([c.verdict, c.verdictBasis]).toEqual(['junk', 'mailbox-delivery'])
    expect(ev(c, 'verdict')).toEqual([['verdict: junk', MDH, 'RF:JUNKEMAIL']])
  })

  it('an unknown dest and no RF: the default policy predicts (from SFV:NSPM)', () => {
    const c = run({
      report: report({ sfv: 'NSPM' }),
      delivery: delivery({ dest: 'X', folder: 'unknown' }),
    })
    expect([c.verdict, c.verdictBasis]).toEqual(['inbox', 'default-policy'])
    expect(ev(c, 'verdict')).toEqual([
      ['verdict: inbox (predicted from the default policy)', RH, 'SFV:NSPM'],
    ])
  })

  it('an unknown dest and nothing to predict from: no verdict, basis none', () => {
    const c = run({
      report: report({ scl: 3 }),
      delivery: delivery({ dest: 'X', folder: 'unknown' }),
    })
    expect([c.verdict, c.verdictBasis]).toEqual(['unknown', 'none'])
    expect(ev(c, 'verdict')).toEqual([])
  })

  it('RF is read only when dest gives no folder: dest:I with RF:JunkEmail stays the Inbox', () => {
    const c = run({ delivery: inbox({ rf: 'JunkEmail' }) })
    expect(c.verdict).toBe('inbox')
    expect(ev(c, 'verdict')).toEqual([['verdict: inbox', MDH, 'dest:I']])
  })

  it('RF other than JunkEmail is no verdict', () => {
    const c = run({ report: report({ scl: 3 }), delivery: delivery({ rf: 'Inbox' }) })
    expect(c.verdict).toBe('unknown')
  })

  it("a prediction's findings are kept even when nothing is predicted (impersonation)", () => {
    const c = run({ report: report({ cat: 'UIMP' }) })
    expect([c.verdict, c.verdictBasis]).toEqual(['unknown', 'none'])
    expect(
      hasFinding(c, /^CAT:UIMP: the action for impersonation depends on the anti-phishing policy/),
    ).toBe(true)
  })
})

describe('conclude: the default-policy prediction without Mailbox-Delivery (message-headers §1.5)', () => {
  const predict = (r: Partial<ForefrontReport> | null, o: Partial<ConclusionInput> = {}) => {
    const c = run({ report: r === null ? null : report(r), ...o })
    return { c, verdict: c.verdict, basis: c.verdictBasis, ev: ev(c, 'verdict') }
  }

  it('SFV:SKQ (released from quarantine) is the Inbox before any category, even malware', () => {
    const p = predict({ sfv: 'SKQ', cat: 'MALW' })
    expect([p.verdict, p.basis]).toEqual(['inbox', 'default-policy'])
    expect(p.ev).toEqual([['verdict: inbox (predicted from the default policy)', RH, 'SFV:SKQ']])
  })

  it('high-confidence phish (HPHSH or HPHISH) is quarantined, and users can only request release', () => {
    for (const cat of ['HPHSH', 'HPHISH']) {
      const p = predict({ cat, sfv: 'SKN' })
      expect(p.verdict).toBe('quarantine')
      expect(p.ev).toEqual([
        ['verdict: quarantine (predicted from the default policy)', RH, `CAT:${cat}`],
      ])
      expect(p.c.findings).toContain(
        'HPHSH is quarantined by default; users can only request release.',
      )
    }
  })

  it('malware is quarantined, without the HPHSH note', () => {
    const p = predict({ cat: 'MALW' })
    expect(p.verdict).toBe('quarantine')
    expect(p.ev).toEqual([
      ['verdict: quarantine (predicted from the default policy)', RH, 'CAT:MALW'],
    ])
    expect(hasFinding(p.c, /^HPHSH is quarantined/)).toBe(false)
  })

  it('SFV:BLK (Blocked Senders) is Junk, before any skip verdict or category', () => {
    const p = predict({ sfv: 'BLK', cat: 'NONE' })
    expect(p.verdict).toBe('junk')
    expect(p.ev).toEqual([['verdict: junk (predicted from the default policy)', RH, 'SFV:BLK']])
  })

  it.each(['SKN', 'SKA', 'SKI', 'SFE'])(
    'SFV:%s (a skip verdict) is the Inbox, before a spam category',
    (sfv) => {
      const p = predict({ sfv, cat: 'SPM', scl: 9 })
      expect(p.verdict).toBe('inbox')
      expect(p.ev).toEqual([
        ['verdict: inbox (predicted from the default policy)', RH, `SFV:${sfv}`],
      ])
    },
  )

  it('IPV:CAL with no SFV or SFV:NSPM is the Inbox; with another SFV it is not', () => {
    for (const sfv of [null, 'NSPM']) {
      const p = predict({ ipv: 'CAL', sfv, cat: 'SPM' })
      expect(p.verdict).toBe('inbox')
      expect(p.ev).toEqual([['verdict: inbox (predicted from the default policy)', RH, 'IPV:CAL']])
    }
    const spm = predict({ ipv: 'CAL', sfv: 'SPM' })
    expect(spm.ev).toEqual([['verdict: junk (predicted from the default policy)', RH, 'SFV:SPM']])
    const nli = predict({ ipv: 'NLI', sfv: 'NSPM' })
    expect(nli.ev).toEqual([['verdict: inbox (predicted from the default policy)', RH, 'SFV:NSPM']])
  })

  it('phishing goes to Junk by default, with a note on the presets', () => {
    const p = predict({ cat: 'PHSH', sfv: 'NSPM' })
    expect(p.verdict).toBe('junk')
    expect(p.ev).toEqual([['verdict: junk (predicted from the default policy)', RH, 'CAT:PHSH']])
    expect(
      hasFinding(
        p.c,
        /^Phishing goes to Junk under the default policy, but to quarantine under the Standard\/Strict presets/,
      ),
    ).toBe(true)
  })

  it('high-confidence spam goes to Junk, with its own note on the presets', () => {
    const p = predict({ cat: 'HSPM', sfv: 'NSPM' })
    expect(p.verdict).toBe('junk')
    expect(p.ev).toEqual([['verdict: junk (predicted from the default policy)', RH, 'CAT:HSPM']])
    expect(p.c.findings).toContain(
      'High-confidence spam goes to Junk under the default policy, to quarantine under the Standard and Strict presets.',
    )
  })

  it.each(['SPM', 'BULK', 'SPOOF'])(
    'CAT:%s goes to Junk by default and under Standard, to quarantine under Strict',
    (cat) => {
      const p = predict({ cat, sfv: 'NSPM' })
      expect(p.verdict).toBe('junk')
      expect(p.ev).toEqual([
        ['verdict: junk (predicted from the default policy)', RH, `CAT:${cat}`],
      ])
      expect(p.c.findings).toContain(
        `${cat} goes to Junk under the default policy and the Standard preset, to quarantine under Strict.`,
      )
    },
  )

  it('CAT:INTOS goes to Junk by default, with no preset clause', () => {
    const p = predict({ cat: 'INTOS', sfv: 'NSPM' })
    expect(p.verdict).toBe('junk')
    expect(p.c.findings).toContain('INTOS goes to Junk under the default policy.')
  })

  it.each(['SPM', 'SKB', 'SKS'])('SFV:%s with no spam category is Junk', (sfv) => {
    const p = predict({ sfv, cat: 'NONE' })
    expect(p.verdict).toBe('junk')
    expect(p.ev).toEqual([['verdict: junk (predicted from the default policy)', RH, `SFV:${sfv}`]])
  })

  it('dmarc=fail action=oreject is Junk, with Authentication-Results as evidence; action in any case', () => {
    const p = predict(
      { sfv: null, cat: null },
      { auth: auth({ dmarc: 'fail', dmarcAction: 'OReject' }) },
    )
    expect(p.verdict).toBe('junk')
    expect(p.ev).toEqual([
      [
        'verdict: junk (predicted from the default policy)',
        'authentication-results',
        'dmarc=fail action=oreject',
      ],
    ])
    const pass = predict(
      { sfv: null, cat: null },
      { auth: auth({ dmarc: 'pass', dmarcAction: 'oreject' }) },
    )
    expect(pass.verdict).toBe('unknown')
  })

  it('dmarc=fail with action=pct.quarantine or pct.reject: the policy was NOT applied, other signals decide', () => {
    for (const [action, p] of [
      ['pct.quarantine', 'quarantine'],
      ['pct.reject', 'reject'],
    ]) {
      const r = predict({ sfv: 'NSPM' }, { auth: auth({ dmarc: 'fail', dmarcAction: action }) })
      expect(r.verdict).toBe('inbox')
      expect(r.c.findings).toContain(
        `dmarc=fail with action=${action}: Microsoft documents this as the DMARC policy (p=${p}) NOT applied to this message (the domain's pct is under 100), so the message was delivered anyway and the other signals decide.`,
      )
    }
    const passing = predict(
      { sfv: 'NSPM' },
      { auth: auth({ dmarc: 'pass', dmarcAction: 'pct.reject' }) },
    )
    expect(hasFinding(passing.c, /^dmarc=fail/)).toBe(false)
    const none = predict({ sfv: 'NSPM' }, { auth: auth({ dmarc: 'fail', dmarcAction: 'none' }) })
    expect(hasFinding(none.c, /^dmarc=fail/)).toBe(false)
    const noAction = predict({ sfv: 'NSPM' }, { auth: auth({ dmarc: 'fail', dmarcAction: null }) })
    expect(noAction.verdict).toBe('inbox')
  })

  it.each(['UIMP', 'DIMP', 'GIMP', 'BIMP'])(
    'impersonation (CAT:%s) is not predicted: it depends on the anti-phishing policy',
    (cat) => {
      const p = predict({ cat, sfv: 'NSPM', scl: 9 })
      expect([p.verdict, p.basis]).toEqual(['unknown', 'none'])
      expect(p.c.findings).toContain(
        `CAT:${cat}: the action for impersonation depends on the anti-phishing policy (none unless configured; quarantine or Junk under the presets).`,
      )
    },
  )

  it("SCL 5 or more is Junk, the report's SCL as evidence when it carries one, else the organisation SCL", () => {
    const r = predict({ scl: 5 })
    expect(r.ev).toEqual([['verdict: junk (predicted from the default policy)', RH, 'SCL:5']])
    const o = predict({ scl: null }, { org: org({ scl: 6 }) })
    expect(o.ev).toEqual([['verdict: junk (predicted from the default policy)', ORG_SCL, 'SCL:6']])
    const noReport = predict(null, { org: org({ scl: 9 }) })
    expect(noReport.ev).toEqual([
      ['verdict: junk (predicted from the default policy)', ORG_SCL, 'SCL:9'],
    ])
  })

  it('SFV:NSPM, or CAT:NONE, is the Inbox (before the SCL)', () => {
    expect(predict({ sfv: 'NSPM', scl: 3 }).ev).toEqual([
      ['verdict: inbox (predicted from the default policy)', RH, 'SFV:NSPM'],
    ])
    expect(predict({ cat: 'NONE', scl: 3 }).ev).toEqual([
      ['verdict: inbox (predicted from the default policy)', RH, 'CAT:NONE'],
    ])
  })

  it('SCL 1 or less is the Inbox; SCL 2 to 4 predicts nothing', () => {
    expect(predict({ scl: 1 }).ev).toEqual([
      ['verdict: inbox (predicted from the default policy)', RH, 'SCL:1'],
    ])
    expect(predict({ scl: -1 }).verdict).toBe('inbox')
    expect(predict(null, { org: org({ scl: 0 }) }).ev).toEqual([
      ['verdict: inbox (predicted from the default policy)', ORG_SCL, 'SCL:0'],
    ])
    expect(predict({ scl: null }, { org: org({ scl: 1 }) }).ev).toEqual([
      ['verdict: inbox (predicted from the default policy)', ORG_SCL, 'SCL:1'],
    ])
    for (const scl of [2, 4]) {
      const p = predict({ scl })
      expect([p.verdict, p.basis]).toEqual(['unknown', 'none'])
      expect(p.ev).toEqual([])
    }
    expect(predict(null).verdict).toBe('unknown')
  })
})

describe('conclude: the Inbox despite a filtering verdict, with no bypass stamp', () => {
  it("SFV:SPM in the Inbox with OFR:TrustedSenderList is the user's Safe Senders", () => {
    const c = run({
      report: report({ sfv: 'SPM', cat: 'NONE' }),
      delivery: inbox({ ofr: 'TrustedSenderList' }),
    })
    expect([c.bypass, c.bypassInferred]).toEqual(['safe-senders', false])
    expect(ev(c, 'bypass')).toEqual([['bypass: safe-senders', MDH, 'OFR:TrustedSenderList']])
    expect(c.findings).toContain(
      "The filter said SFV:SPM but the mailbox delivered to Inbox because of TrustedSenderList: the user's own settings overrode the spam verdict.",
    )
  })

  it('a spam-like category in the Inbox with OFR:SenderInAddressBook (any case) names the category', () => {
    const c = run({
      report: report({ sfv: 'NSPM', cat: 'PHSH' }),
      delivery: inbox({ ofr: 'SENDERINADDRESSBOOK' }),
    })
    expect(c.bypass).toBe('safe-senders')
    expect(c.findings).toContain(
      "The filter said CAT:PHSH but the mailbox delivered to Inbox because of SENDERINADDRESSBOOK: the user's own settings overrode the spam verdict.",
    )
  })

  it('an OFR that is not a user allow is not Safe Senders: a filtering category then reads as advanced delivery', () => {
    const c = run({
      report: report({ sfv: 'NSPM', cat: 'PHSH' }),
      delivery: inbox({ ofr: 'SpamFilterAuthJ' }),
    })
    expect([c.bypass, c.bypassInferred]).toEqual(['advanced-delivery', true])
    expect(ev(c, 'bypass')).toEqual([
      ['bypass: advanced-delivery (inferred)', RH, 'CAT:PHSH'],
      ['bypass: advanced-delivery (inferred)', MDH, 'dest:I'],
    ])
    expect(
      hasFinding(
        c,
        /^CAT:PHSH was detected, yet the message reached the Inbox with no bypass stamp .*whose action for PHSH is "no action"/,
      ),
    ).toBe(true)
  })

  it('a filtering category that is not spam-like (impersonation) with a user allow is advanced delivery, not Safe Senders', () => {
    const c = run({
      report: report({ sfv: 'NSPM', cat: 'UIMP' }),
      delivery: inbox({ ofr: 'TrustedSenderList', dest: null }),
    })
    expect(c.bypass).toBe('advanced-delivery')
    expect(ev(c, 'bypass')).toContainEqual(['bypass: advanced-delivery (inferred)', MDH, 'dest:'])
  })

  it('HPHISH in the Inbox is advanced delivery (read as HPHSH)', () => {
    const c = run({ report: report({ cat: 'HPHISH' }), delivery: inbox() })
    expect(c.bypass).toBe('advanced-delivery')
  })

  it('a release from quarantine (SFV:SKQ) explains the Inbox: not advanced delivery, no unoverridable note', () => {
    const c = run({ report: report({ sfv: 'SKQ', cat: 'MALW' }), delivery: inbox() })
    expect(c.bypass).toBe('none')
    expect(hasFinding(c, /reached the Inbox/)).toBe(false)
  })

  it('no filtering verdict: the Inbox needs no explanation', () => {
    const c = run({
      report: report({ sfv: 'NSPM', cat: 'NONE' }),
      delivery: inbox({ ofr: 'TrustedSenderList' }),
    })
    expect([c.bypass, c.bypassInferred]).toEqual(['none', false])
    expect(ev(c, 'bypass')).toEqual([])
  })

  it('a stamped bypass is kept: SFV:SKN with CAT:SPM in the Inbox stays a transport rule', () => {
    const c = run({
      report: report({ sfv: 'SKN', cat: 'SPM' }),
      delivery: inbox({ ofr: 'TrustedSenderList' }),
    })
    expect(c.bypass).toBe('transport-rule')
  })

  it('only the Inbox as Mailbox-Delivery read it: Junk, or a predicted Inbox, is left alone', () => {
    const j = run({ report: report({ cat: 'PHSH' }), delivery: junk({ ofr: 'TrustedSenderList' }) })
    expect(j.bypass).toBe('none')
    const predicted = run({
      report: report({ ipv: 'NLI', sfv: 'SKQ', cat: 'SPM' }),
      delivery: delivery({ folder: null, ofr: 'TrustedSenderList' }),
    })
    expect([predicted.verdict, predicted.verdictBasis]).toEqual(['inbox', 'default-policy'])
    expect(predicted.bypass).toBe('none')
    const predictedCal = run({
      report: report({ ipv: 'CAL', sfv: 'NSPM', cat: 'PHSH' }),
      delivery: delivery({ folder: null }),
    })
    expect([predictedCal.verdict, predictedCal.verdictBasis]).toEqual(['inbox', 'default-policy'])
    expect(predictedCal.bypass).toBe('none')
  })
})

describe('conclude: where the mailbox put it against what the filter said', () => {
  it("SFV:NSPM in Junk: a user's setting decided, not the filter", () => {
    const c = run({ report: report({ sfv: 'NSPM' }), delivery: junk() })
    expect(
      hasFinding(
        c,
        /^SFV:NSPM with dest:J: the filter said not spam, but the mailbox put it in Junk/,
      ),
    ).toBe(true)
    expect(hasFinding(c, /^Filtering was bypassed/)).toBe(false)
    expect(
      hasFinding(
        run({ report: report({ sfv: 'NSPM' }), delivery: inbox() }),
        /^SFV:NSPM with dest:J/,
      ),
    ).toBe(false)
    expect(
      hasFinding(
        run({ report: report({ sfv: 'SPM' }), delivery: junk() }),
        /^SFV:NSPM with dest:J/,
      ),
    ).toBe(false)
  })

  it("a bypass that still ended in Junk: the user's Blocked Senders or junk settings beat tenant allows", () => {
    const c = run({ report: report({ sfv: 'SKA' }), delivery: junk() })
    expect(c.findings).toContain(
      "Filtering was bypassed (anti-spam-allow) but the mailbox still put the message in Junk: a user's Blocked Senders or junk settings beat tenant allows.",
    )
    expect(
      hasFinding(
        run({ report: report({ sfv: 'SKA' }), delivery: inbox() }),
        /^Filtering was bypassed/,
      ),
    ).toBe(false)
    expect(
      hasFinding(
        run({ report: report({ sfv: 'SPM' }), delivery: junk() }),
        /^Filtering was bypassed/,
      ),
    ).toBe(false)
    expect(hasFinding(run({ delivery: junk() }), /^Filtering was bypassed/)).toBe(false)
  })

  it('malware in the Inbox: only advanced delivery or a release from quarantine can do that', () => {
    const c = run({ report: report({ cat: 'MALW' }), delivery: inbox() })
    expect(c.findings).toContain(
      'CAT:MALW (malware) reached the Inbox: only advanced delivery or a release from quarantine can do that.',
    )
  })

  it('high-confidence phish in the Inbox: also complex routing with an SCL -1 rule', () => {
    const c = run({ report: report({ cat: 'HPHSH' }), delivery: inbox() })
    expect(c.findings).toContain(
      'CAT:HPHSH (high-confidence phish) reached the Inbox: only advanced delivery, complex routing with an SCL -1 rule, or a release from quarantine can do that.',
    )
  })

  it('the unoverridable note needs the Inbox as Mailbox-Delivery read it and a malware or HPHSH category', () => {
    expect(
      hasFinding(run({ report: report({ cat: 'MALW' }), delivery: junk() }), /reached the Inbox:/),
    ).toBe(false)
    expect(hasFinding(run({ report: report({ cat: 'MALW' }) }), /reached the Inbox:/)).toBe(false)
    expect(
      hasFinding(run({ report: report({ cat: 'SPM' }), delivery: inbox() }), /reached the Inbox:/),
    ).toBe(false)
    expect(
      hasFinding(
        run({ report: report({ cat: 'HPHSH', sfv: 'SKN' }), delivery: delivery({ folder: null }) }),
        /reached the Inbox:/,
      ),
    ).toBe(false)
  })
})

describe('conclude: consistency notes', () => {
  it('SCL 5 or more with CAT:NONE: SCL does not decide the verdict in cloud tenants (except SFV:SKS)', () => {
    const c = run({ report: report({ scl: 5, cat: 'NONE' }) })
    expect(c.findings).toContain(
      "SCL 5 with CAT:NONE: the 2026 docs say SCL doesn't decide the verdict in cloud tenants; CAT and DIR do.",
    )
    expect(hasFinding(run({ report: report({ scl: 4, cat: 'NONE' }) }), /with CAT:NONE/)).toBe(
      false,
    )
    expect(
      hasFinding(run({ report: report({ scl: 6, cat: 'NONE', sfv: 'SKS' }) }), /with CAT:NONE/),
    ).toBe(false)
    expect(hasFinding(run({ report: report({ scl: 6, cat: 'SPM' }) }), /with CAT:NONE/)).toBe(false)
  })

  it("the SCL notes need the report's own SCL, not the organisation SCL", () => {
    expect(
      hasFinding(
        run({ report: report({ scl: null, cat: 'NONE' }), org: org({ scl: 6 }) }),
        /with CAT:NONE/,
      ),
    ).toBe(false)
    expect(
      hasFinding(
        run({ report: report({ scl: null, cat: 'SPM' }), org: org({ scl: 1 }) }),
        /^SCL 1 with CAT/,
      ),
    ).toBe(false)
    expect(hasFinding(run({ org: org({ scl: 6 }) }), /with CAT:NONE/)).toBe(false)
  })

  it('SCL 0 or 1 with a spam-like category: SCL does not decide, CAT does', () => {
    for (const scl of [0, 1]) {
      const c = run({ report: report({ scl, cat: 'SPM' }) })
      expect(c.findings).toContain(
        `SCL ${scl} with CAT:SPM: the 2026 docs say SCL doesn't decide the verdict in cloud tenants; CAT does.`,
      )
    }
    for (const scl of [-1, 2])
      expect(hasFinding(run({ report: report({ scl, cat: 'SPM' }) }), /with CAT:SPM/)).toBe(false)
    expect(hasFinding(run({ report: report({ scl: 1, cat: 'MALW' }) }), /with CAT:MALW/)).toBe(
      false,
    )
  })

  it('organisation SCL -1 is an instruction to bypass spam filtering, noted unless SFV already says SKN or SKI', () => {
    const note =
      'X-MS-Exchange-Organization-SCL is -1: an instruction to bypass spam filtering; malware and high-confidence phish are still enforced.'
    expect(run({ org: org({ scl: -1 }) }).findings).toContain(note)
    expect(run({ report: report({ sfv: 'SKN' }), org: org({ scl: -1 }) }).findings).not.toContain(
      note,
    )
    expect(run({ report: report({ sfv: 'SKI' }), org: org({ scl: -1 }) }).findings).not.toContain(
      note,
    )
    expect(run({ org: org({ scl: 0 }) }).findings).not.toContain(note)
  })

  it('X-CustomSpam (an Advanced Spam Filter setting), SFTY:9.25 and SRV:BULK are noted', () => {
    expect(
      run({ report: report({ customSpam: 'Image links to remote sites' }) }).findings,
    ).toContain(
      'An Advanced Spam Filter setting fired: X-CustomSpam "Image links to remote sites".',
    )
    expect(run({ report: report({ sfty: '9.25' }) }).findings).toContain(
      'SFTY:9.25: a first-contact safety tip was shown (a hint, not a verdict).',
    )
    expect(hasFinding(run({ report: report({ sfty: '9.19' }) }), /^SFTY/)).toBe(false)
    expect(
      run({ report: report({ srv: 'BULK' }), antispam: antispam({ bcl: 7 }) }).findings,
    ).toContain('SRV:BULK: bulk mail, judged against the BCL threshold (BCL 7).')
    expect(run({ report: report({ srv: 'BULK' }) }).findings).toContain(
      'SRV:BULK: bulk mail, judged against the BCL threshold.',
    )
    expect(hasFinding(run({ report: report({ srv: 'OTHER' }) }), /^SRV:BULK/)).toBe(false)
    expect(hasFinding(run({ report: report() }), /^An Advanced Spam Filter setting fired/)).toBe(
      false,
    )
  })

  it('DMARC action=oreject (any case): p=reject, delivered anyway to Junk', () => {
    const note =
      'DMARC action=oreject: the sender publishes p=reject, but Microsoft delivered the message anyway (to Junk).'
    expect(run({ auth: auth({ dmarcAction: 'OREJECT' }) }).findings).toContain(note)
    expect(run({ auth: auth({ dmarcAction: 'none' }) }).findings).not.toContain(note)
  })

  it('compauth=fail in the Inbox: failing composite authentication alone does not block', () => {
    const note =
      'compauth=fail on a message in the Inbox: composite authentication failing alone does not block a message.'
    expect(
      run({ auth: auth({ compauth: 'fail', reason: null }), delivery: inbox() }).findings,
    ).toContain(note)
    expect(
      run({ auth: auth({ compauth: 'fail', reason: null }), delivery: junk() }).findings,
    ).not.toContain(note)
    expect(
      run({ auth: auth({ compauth: 'pass', reason: null }), delivery: inbox() }).findings,
    ).not.toContain(note)
  })

  it("compauth disagreeing with Microsoft's reason table is noted; agreeing (in any case) or an unknown code is not", () => {
    const c = run({ auth: auth({ compauth: 'pass', reason: '000' }) })
    expect(c.findings).toContain(
      `compauth=pass with reason 000: Microsoft's reason table gives "fail" for that code.`,
    )
    expect(
      hasFinding(run({ auth: auth({ compauth: 'FAIL', reason: '000' }) }), /reason table/),
    ).toBe(false)
    expect(
      hasFinding(run({ auth: auth({ compauth: 'pass', reason: '500' }) }), /reason table/),
    ).toBe(false)
    expect(hasFinding(run({ auth: auth({ compauth: null, reason: '000' }) }), /reason table/)).toBe(
      false,
    )
    expect(
      hasFinding(run({ auth: auth({ compauth: 'pass', reason: null }) }), /reason table/),
    ).toBe(false)
  })
})
