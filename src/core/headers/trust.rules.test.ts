/**
 * The rules decideTrust() applies to choose the recipient tenant's own X-Forefront-Antispam-Report
 * (issue 18: each rule pinned so that a mutant of trust.ts makes a test fail). Each test names the
 * rule it pins.
 *
 * Modelled on Microsoft's anti-spam message headers page (MicrosoftDocs/defender-docs,
 * defender-office-365/message-headers-eop-mdo.md: DIR, CIP) and the header firewall of Exchange
 * (MicrosoftDocs/OfficeDocs-Exchange), as summarised in /work/shared/reference/message-headers.md
 * §1.0 ("Which copy to trust").
 */
import { describe, expect, it } from 'vitest'
import type { EnhancedFilteringHeader } from './enhanced-filtering.js'
import type { ForefrontReport } from './forefront.js'
import { isEopHost, isMicrosoftHost, type ReceivedHop } from './received.js'
import type { TenantMarkers } from './tenant.js'
import { decideTrust, type TrustDecision, type TrustInput } from './trust.js'

const TENANT = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b'
const SENDER_IP = '198.51.100.25'
const EOP = 'BN8NAM11FT058.mail.protection.outlook.com'
const EOP_RELAY = 'BN8NAM11FT058.eop-nam11.prod.protection.outlook.com'
const EXO = 'MW4PR11MB5776.namprd11.prod.outlook.com'
const EXO2 = 'PH0PR11MB5880.namprd11.prod.outlook.com'
const OUTBOUND = 'mail-dm6nam12on2050.outbound.protection.outlook.com'
const SENDER = 'mta1.phishsim-test.com'

/** A Received hop whose Microsoft flags follow its host names, as received.ts sets them. */
function hop(
  index: number,
  from: string | null,
  by: string | null,
  o: Partial<ReceivedHop> = {},
): ReceivedHop {
  return {
    index,
    raw: '',
    from,
    fromIp: null,
    by,
    byIp: null,
    with: null,
    id: null,
    for: null,
    via: null,
    date: null,
    byMicrosoft: isMicrosoftHost(by),
    byEop: isEopHost(by),
    fromMicrosoft: isMicrosoftHost(from),
    ...o,
  }
}

function report(index: number, o: Partial<ForefrontReport> = {}): ForefrontReport {
  return {
    header: 'X-Forefront-Antispam-Report',
    index,
    raw: '',
    renamed: false,
    outbound: false,
    cip: SENDER_IP,
    ctry: null,
    lang: null,
    h: null,
    ptr: null,
    dir: 'INB',
    scl: 1,
    srv: null,
    ipv: null,
    sfv: 'NSPM',
    cat: 'NONE',
    sfty: null,
    sfs: [],
    customSpam: null,
    sfp: null,
    fields: [],
    unknown: {},
    ...o,
  }
}

/** A sender's DIR:OUT scan, as the sender stamped it. */
const outboundScan = (index: number, o: Partial<ForefrontReport> = {}) =>
  report(index, { dir: 'OUT', outbound: true, cip: '255.255.255.255', ...o })

/** The same scan renamed by a receiving Microsoft 365 tenant. */
const untrusted = (index: number, o: Partial<ForefrontReport> = {}) =>
  outboundScan(index, { header: 'X-Forefront-Antispam-Report-Untrusted', renamed: true, ...o })

function tenant(o: Partial<TenantMarkers> = {}): TenantMarkers {
  return {
    crossTenantIds: [],
    attributedTenantIds: [],
    originatorOrgs: [],
    fromEntity: null,
    originalConnectingIp: null,
    crossTenantStamps: [],
    firstIndex: null,
    consumer: false,
    ...o,
  }
}

const ef = (ip: string | null): EnhancedFilteringHeader => ({
  header: 'X-MS-Exchange-ExternalOriginalInternetSender',
  index: 20,
  raw: '',
  ip,
  domain: null,
  meaning: '',
})

function decide(o: Partial<TrustInput> = {}): TrustDecision {
  return decideTrust({
    hops: [],
    reports: [],
    tenant: tenant(),
    enhancedFiltering: [],
    authAs: null,
    ...o,
  })
}

/** The inbound chain of a tenant's message: mailbox hops, the EOP relay, the EOP front end. */
const inboundHops = (fromIp: string | null = SENDER_IP): ReceivedHop[] => [
  hop(0, EXO2, EXO),
  hop(1, EOP_RELAY, EXO2),
  hop(5, SENDER, EOP, { fromIp }),
]

const statusOf = (d: TrustDecision) => d.statuses.map((s) => [s.index, s.status])
const has = (list: string[], re: RegExp): boolean => list.some((f) => re.test(f))

describe("decideTrust: the recipient's hop (hdr.trust.recipient-hop)", () => {
  it('the report above the inbound EOP hop, with tenant markers, is the recipient tenant’s verdict', () => {
    const r = report(3)
    const d = decide({
      hops: inboundHops(),
      reports: [r],
      tenant: tenant({ crossTenantIds: [TENANT], attributedTenantIds: [TENANT] }),
    })
    expect(d.trusted).toBe(true)
    expect(d.report).toBe(r)
    expect(d.claimed).toBeNull()
    expect(d.hop?.index).toBe(5)
    expect(d.microsoftDelivered).toBe(true)
    expect(d.outboundOnly).toBe(false)
    expect(d.exitHop).toBeNull()
    expect(d.tenantIds).toEqual([TENANT])
    expect(statusOf(d)).toEqual([[3, 'trusted']])
    expect(d.basis).toEqual([
      `The recipient's Exchange Online Protection received the message at ${EOP} from ${SENDER_IP} (header #6).`,
      `Tenant markers name tenant ${TENANT}.`,
      'X-Forefront-Antispam-Report (header #4) is the topmost report placed above that hop.',
    ])
    expect(d.findings).toEqual([])
  })

  it('hops are read in header order whatever order they are given in', () => {
    const d = decide({ hops: [...inboundHops()].reverse(), reports: [report(3)] })
    expect(d.hop?.index).toBe(5)
    expect(d.trusted).toBe(true)
    expect(d.findings).toEqual([])
  })

  it('the topmost hop is read after sorting: a server after Microsoft 365 is noted even when hops come unordered', () => {
    const d = decide({
      hops: [
        hop(2, SENDER, EOP, { fromIp: SENDER_IP }),
        hop(1, EOP_RELAY, EOP_RELAY),
        hop(0, EOP_RELAY, 'exch01.fabrikam.example'),
      ],
      reports: [report(3)],
    })
    expect(d.hop?.index).toBe(2)
    expect(
      has(d.findings, /^After Microsoft 365 the message went on to exch01\.fabrikam\.example/),
    ).toBe(true)
  })

  it('an EOP front end that is the topmost hop (a partial paste) is still the inbound EOP hop', () => {
    const r = report(2)
    const d = decide({ hops: [hop(0, SENDER, EOP, { fromIp: SENDER_IP })], reports: [r] })
    expect(d.hop?.index).toBe(0)
    expect(d.trusted).toBe(true)
    expect(d.report).toBe(r)
    expect(d.basis[0]).toBe(
      `The recipient's Exchange Online Protection received the message at ${EOP} from ${SENDER_IP} (header #1).`,
    )
  })

  it('the hop where mail entered EOP, not an EOP-to-EOP relay inside Microsoft', () => {
    const d = decide({
      hops: [hop(0, EXO2, EXO), hop(1, EOP, EOP_RELAY), hop(4, SENDER, EOP, { fromIp: SENDER_IP })],
      reports: [report(2)],
    })
    expect(d.hop?.index).toBe(4)
    expect(d.report?.index).toBe(2)
  })

  it('with only EOP-to-EOP hops, the topmost EOP hop is the recipient’s', () => {
    const d = decide({
      hops: [hop(0, EXO2, EXO), hop(1, EOP, EOP_RELAY), hop(2, EOP_RELAY, EOP)],
      reports: [report(4)],
      tenant: tenant({ crossTenantIds: [TENANT] }),
    })
    expect(d.hop?.index).toBe(1)
    expect(d.basis[0]).toBe(
      `The recipient's Exchange Online Protection received the message at ${EOP_RELAY} (header #2).`,
    )
  })

  it('no EOP hop but a Microsoft hop on top: internal or consumer mail, delivered by Microsoft 365', () => {
    const r = report(3, { dir: 'INT', cip: '255.255.255.255' })
    const d = decide({ hops: [hop(0, EXO2, EXO), hop(1, EXO, EXO2)], reports: [r] })
    expect(d.trusted).toBe(true)
    expect(d.hop?.index).toBe(0)
    expect(d.microsoftDelivered).toBe(true)
    expect(d.report).toBe(r)
    expect(d.basis).toEqual([
      `Microsoft 365 (${EXO}) delivered the message, with no inbound EOP front-end hop (internal or consumer mail).`,
      'X-Forefront-Antispam-Report (header #4) is the topmost internal report (DIR:INT) of a message that stayed inside Microsoft 365.',
    ])
    expect(d.findings).toEqual([])
  })

  it('no EOP hop and a non-Microsoft hop on top: no Microsoft hop, nothing trusted', () => {
    const r = report(3)
    const d = decide({ hops: [hop(0, SENDER, 'mx.example.net'), hop(1, EXO, EXO2)], reports: [r] })
    expect(d.trusted).toBe(false)
    expect(d.hop).toBeNull()
    expect(d.microsoftDelivered).toBe(false)
    expect(d.claimed).toBe(r)
    expect(statusOf(d)).toEqual([[3, 'no-microsoft-hop']])
  })
})

describe('decideTrust: a Microsoft hop must be connected to the hop above it', () => {
  it('a hop above it that neither is Microsoft nor received from Microsoft breaks the chain: forged or left afterwards', () => {
    const r = report(4)
    const d = decide({
      hops: [
        hop(0, 'relay.example.net', 'mx.example.net'),
        hop(2, SENDER, EOP, { fromIp: SENDER_IP }),
      ],
      reports: [r],
      tenant: tenant({ crossTenantIds: [TENANT] }),
    })
    expect(d.trusted).toBe(false)
    expect(d.hop?.index).toBe(2)
    expect(d.microsoftDelivered).toBe(false)
    expect(d.claimed).toBe(r)
    expect(d.basis).toEqual([])
    expect(d.findings[0]).toBe(
      `The Microsoft hop "${EOP}" is not connected to the hop above it (mx.example.net received the message from relay.example.net, not from Microsoft): either the message left Microsoft 365 afterwards, or that Microsoft hop was forged. Its verdict is not trusted as the recipient's.`,
    )
    expect(has(d.findings, /^After Microsoft 365/)).toBe(false)
    expect(statusOf(d)).toEqual([[4, 'no-microsoft-hop']])
  })

  it('the broken-chain finding names unnamed hosts as such', () => {
    const d = decide({
      hops: [hop(0, null, null), hop(2, SENDER, EOP)],
      reports: [report(4)],
    })
    expect(d.findings[0]).toMatch(
      /^The Microsoft hop "BN8NAM11FT058\.mail\.protection\.outlook\.com" is not connected to the hop above it \(\? received the message from an unnamed host, not from Microsoft\)/,
    )
  })

  it('a non-Microsoft server that received from Microsoft keeps the chain (hybrid on-premises), and is noted', () => {
    const r = report(3)
    const d = decide({
      hops: [
        hop(0, EOP_RELAY, 'exch01.fabrikam.example'),
        hop(2, SENDER, EOP, { fromIp: SENDER_IP }),
      ],
      reports: [r],
    })
    expect(d.trusted).toBe(true)
    expect(d.microsoftDelivered).toBe(true)
    expect(d.report).toBe(r)
    expect(d.findings).toContain(
      "After Microsoft 365 the message went on to exch01.fabrikam.example (on-premises Exchange in hybrid, or forwarding): the verdict below is Microsoft 365's, and the final server may have acted on it differently.",
    )
  })

  it('the on-premises note names an unnamed final server as "another server"', () => {
    const d = decide({
      hops: [hop(0, EOP_RELAY, null), hop(2, SENDER, EOP, { fromIp: SENDER_IP })],
      reports: [report(3)],
    })
    expect(has(d.findings, /^After Microsoft 365 the message went on to another server \(/)).toBe(
      true,
    )
  })

  it('a Microsoft hop above, even from a non-Microsoft host name, keeps the chain', () => {
    const d = decide({
      hops: [hop(0, 'unnamed.example', EXO), hop(2, SENDER, EOP, { fromIp: SENDER_IP })],
      reports: [report(3)],
    })
    expect(d.trusted).toBe(true)
    expect(d.microsoftDelivered).toBe(true)
    expect(d.findings).toEqual([])
  })
})

describe('decideTrust: renamed copies and outbound scans (hdr.trust.renamed-copy)', () => {
  it("a renamed DIR:OUT copy is the sending tenant's outbound scan, never the recipient's verdict", () => {
    const d = decide({ hops: inboundHops(), reports: [untrusted(7), report(3)] })
    expect(statusOf(d)).toEqual([
      [3, 'trusted'],
      [7, 'outbound'],
    ])
    expect(d.findings).toContain(
      "X-Forefront-Antispam-Report-Untrusted (header #8) is the sending tenant's outbound scan (DIR:OUT, CIP:255.255.255.255), renamed by the receiver: it is never the recipient's verdict.",
    )
  })

  it("a renamed copy that is not an outbound scan is another tenant's report, untrusted", () => {
    const d = decide({
      hops: inboundHops(),
      reports: [
        report(7, { header: 'X-Forefront-Antispam-Report-Original', renamed: true }),
        report(3),
      ],
    })
    expect(statusOf(d)).toEqual([
      [3, 'trusted'],
      [7, 'renamed-copy'],
    ])
    expect(d.findings).toContain(
      "X-Forefront-Antispam-Report-Original (header #8) is a renamed copy of another tenant's report, kept by the receiver: it is untrusted and not the recipient's verdict.",
    )
  })

  it('the findings show missing DIR and CIP as "?"', () => {
    const d = decide({
      hops: inboundHops(),
      reports: [
        untrusted(7, { dir: null, cip: null }),
        outboundScan(8, { dir: null, cip: null }),
        report(3),
      ],
    })
    expect(
      has(d.findings, /^X-Forefront-Antispam-Report-Untrusted \(header #8\) .*\(DIR:\?, CIP:\?\)/),
    ).toBe(true)
    expect(d.findings).toContain(
      "X-Forefront-Antispam-Report (header #9) is an outbound scan (DIR:?, CIP:?): the sender's Microsoft 365 scanned it on the way out; it is not a recipient verdict.",
    )
  })

  it("a DIR:OUT scan stamped as such is the sender's scan on the way out, not a recipient verdict", () => {
    const d = decide({ hops: inboundHops(), reports: [outboundScan(8), report(3)] })
    expect(statusOf(d)).toEqual([
      [3, 'trusted'],
      [8, 'outbound'],
    ])
    expect(d.findings).toContain(
      "X-Forefront-Antispam-Report (header #9) is an outbound scan (DIR:OUT, CIP:255.255.255.255): the sender's Microsoft 365 scanned it on the way out; it is not a recipient verdict.",
    )
  })

  it('statuses are listed by header index', () => {
    const d = decide({
      hops: inboundHops(),
      reports: [untrusted(9), report(7, { cip: '203.0.113.9' }), report(2), outboundScan(8)],
    })
    expect(d.statuses.map((s) => s.index)).toEqual([2, 7, 8, 9])
  })
})

describe('decideTrust: mail that left Microsoft 365 (hdr.trust.outbound-only)', () => {
  /** Contoso's hybrid sender to a Gmail recipient: only the sender's Microsoft hops. */
  const senderHops = (by: string | null = 'mx.google.example') => [
    hop(0, OUTBOUND, by),
    hop(1, 'BN2PEPF000044A0.namprd02.prod.outlook.com', 'SA1PR11MB8394.namprd11.prod.outlook.com'),
    hop(2, 'mail.contoso-onprem.example', EOP, { fromIp: '203.0.113.5' }),
  ]

  it("the sender's EOP hop below the exit is not the recipient's: nothing is trusted, not even unconfirmed", () => {
    const r = report(4, { dir: 'INT' })
    const d = decide({
      hops: senderHops(),
      reports: [r],
      tenant: tenant({ crossTenantIds: [TENANT] }),
    })
    expect(d.trusted).toBe(false)
    expect(d.hop).toBeNull()
    expect(d.report).toBeNull()
    expect(d.claimed).toBeNull()
    expect(d.outboundOnly).toBe(true)
    expect(d.exitHop?.index).toBe(0)
    expect(d.tenantIds).toEqual([])
    expect(statusOf(d)).toEqual([[4, 'outbound']])
    expect(d.findings).toEqual([
      `The message left Microsoft 365 through the sender's outbound front end (${OUTBOUND} to mx.google.example, header #1) and no Microsoft hop received it afterwards: every Microsoft header here is the sending tenant's outbound processing, not a recipient verdict. The recipient is not on Microsoft 365, or its part of the headers is missing.`,
      "X-Forefront-Antispam-Report (header #5) was stamped inside the sending tenant before the message left (DIR:INT): not the recipient's verdict.",
      `Tenant markers name tenant ${TENANT}: the sending tenant's, not the recipient's.`,
    ])
  })

  it('the exit finding names an unnamed receiving server, shows a missing DIR as "?", and no tenant note without markers', () => {
    const d = decide({ hops: senderHops(null), reports: [report(4, { dir: null })] })
    expect(d.outboundOnly).toBe(true)
    expect(d.findings).toEqual([
      expect.stringContaining(`(${OUTBOUND} to an unnamed server, header #1)`),
      expect.stringContaining('before the message left (DIR:?)'),
    ])
  })

  it('a Microsoft hop that received the message after it left: the recipient is on Microsoft 365 again', () => {
    const d = decide({
      hops: [
        hop(0, 'mx.partner.example', EOP, { fromIp: '192.0.2.7' }),
        hop(2, OUTBOUND, 'mx.partner.example'),
        hop(3, 'mail.contoso-onprem.example', 'DM6NAM12FT034.mail.protection.outlook.com'),
      ],
    })
    expect(d.exitHop?.index).toBe(2)
    expect(d.hop?.index).toBe(0)
    expect(d.outboundOnly).toBe(false)
    expect(d.trusted).toBe(true)
    expect(d.microsoftDelivered).toBe(true)
  })

  it('an inbound report (DIR:INB) means the hops below the exit were the recipient’s own (hybrid relay)', () => {
    const r = report(4)
    const d = decide({
      hops: [
        hop(0, OUTBOUND, 'exch01.fabrikam.example'),
        hop(1, EOP_RELAY, EXO),
        hop(2, SENDER, EOP, { fromIp: SENDER_IP }),
      ],
      reports: [r],
    })
    expect(d.exitHop).toBeNull()
    expect(d.hop?.index).toBe(2)
    expect(d.trusted).toBe(true)
    expect(d.report).toBe(r)
  })

  it('an Internet FromEntityHeader (any case) also means the hops below the exit were the recipient’s', () => {
    const d = decide({
      hops: [
        hop(0, OUTBOUND, 'exch01.fabrikam.example'),
        hop(1, EOP_RELAY, EXO),
        hop(2, SENDER, EOP, { fromIp: SENDER_IP }),
      ],
      reports: [report(4, { dir: 'INT' })],
      tenant: tenant({ fromEntity: 'INTERNET' }),
    })
    expect(d.exitHop).toBeNull()
    expect(d.hop?.index).toBe(2)
    expect(d.outboundOnly).toBe(false)
  })

  it("a renamed DIR:INB copy is another tenant's and does not show the recipient's inbound processing", () => {
    const d = decide({
      hops: senderHops(),
      reports: [report(4, { header: 'X-Forefront-Antispam-Report-Original', renamed: true })],
      tenant: tenant({ fromEntity: 'HybridOnPrem' }),
    })
    expect(d.exitHop?.index).toBe(0)
    expect(d.outboundOnly).toBe(true)
  })
})

describe('decideTrust: no trustworthy Microsoft hop (hdr.trust.no-microsoft-hop)', () => {
  it('one report and no Received headers: forged or partial, the claim kept aside', () => {
    const r = report(0)
    const d = decide({ reports: [r], tenant: tenant({ crossTenantIds: [TENANT] }) })
    expect(d.trusted).toBe(false)
    expect(d.claimed).toBe(r)
    expect(d.report).toBeNull()
    expect(d.outboundOnly).toBe(false)
    expect(d.tenantIds).toEqual([TENANT])
    expect(d.findings).toEqual([
      'X-Forefront-Antispam-Report (header #1) has no trustworthy Microsoft hop in the Received chain: forged by the sender, or only part of the headers was pasted. Paste the complete headers to confirm.',
      'No Received headers: the Microsoft 365 hop cannot be found. Paste the complete headers.',
    ])
  })

  it('two reports: counted, the first claimed', () => {
    const a = report(2)
    const d = decide({ hops: [hop(0, SENDER, 'mx.example.net')], reports: [a, report(3)] })
    expect(d.claimed).toBe(a)
    expect(d.findings).toEqual([
      '2 X-Forefront-Antispam-Report headers have no trustworthy Microsoft hop in the Received chain: forged by the sender, or only part of the headers was pasted. Paste the complete headers to confirm.',
    ])
    expect(statusOf(d)).toEqual([
      [2, 'no-microsoft-hop'],
      [3, 'no-microsoft-hop'],
    ])
  })

  it("only the sender's DIR:OUT scan, as stamped: the message was going out, and the tenant markers are the sender's", () => {
    const d = decide({
      hops: [hop(0, SENDER, 'mx.example.net')],
      reports: [outboundScan(2)],
      tenant: tenant({ crossTenantIds: [TENANT], attributedTenantIds: [TENANT] }),
    })
    expect(d.trusted).toBe(false)
    expect(d.outboundOnly).toBe(true)
    expect(d.claimed).toBeNull()
    expect(d.tenantIds).toEqual([])
    expect(d.findings).toEqual([
      "X-Forefront-Antispam-Report (header #3) is an outbound scan (DIR:OUT, CIP:255.255.255.255): the sender's Microsoft 365 scanned it on the way out; it is not a recipient verdict.",
      "Only the sending tenant's outbound scan is present: the recipient is not on Microsoft 365 (or the headers are partial), so these headers say nothing about Microsoft's delivery verdict.",
      `Tenant markers name tenant ${TENANT}: the sending tenant's, not the recipient's.`,
    ])
  })

  it('tenant notes list every tenant ID, comma-separated', () => {
    const other = '0b1c2d3e-4f50-4a61-8b72-9c83d4e5f607'
    const markers = tenant({ crossTenantIds: [TENANT], attributedTenantIds: [other] })
    const out = decide({
      hops: [hop(0, SENDER, 'mx.example.net')],
      reports: [outboundScan(2)],
      tenant: markers,
    })
    expect(out.findings).toContain(
      `Tenant markers name tenant ${TENANT}, ${other}: the sending tenant's, not the recipient's.`,
    )
    const exit = decide({
      hops: [hop(0, OUTBOUND, 'mx.google.example'), hop(1, 'mail.contoso-onprem.example', EOP)],
      tenant: markers,
    })
    expect(exit.findings).toContain(
      `Tenant markers name tenant ${TENANT}, ${other}: the sending tenant's, not the recipient's.`,
    )
    const trusted = decide({ hops: inboundHops(), reports: [report(3)], tenant: markers })
    expect(trusted.basis).toContain(`Tenant markers name tenant ${TENANT}, ${other}.`)
  })

  it("a renamed copy alone is not an outbound scan: no note that only the sender's scan is present", () => {
    const d = decide({
      hops: [hop(0, SENDER, 'mx.example.net')],
      reports: [report(2, { header: 'X-Forefront-Antispam-Report-Original', renamed: true })],
    })
    expect(statusOf(d)).toEqual([[2, 'renamed-copy']])
    expect(has(d.findings, /^Only the sending tenant's outbound scan/)).toBe(false)
  })

  it("a DIR:OUT scan beside a receiver's renamed copy is not outbound-only: the recipient is on Microsoft 365", () => {
    const d = decide({
      hops: [hop(0, SENDER, 'mx.example.net')],
      reports: [outboundScan(2), untrusted(3)],
      tenant: tenant({ crossTenantIds: [TENANT] }),
    })
    expect(d.outboundOnly).toBe(false)
    expect(d.tenantIds).toEqual([TENANT])
  })

  it('going out with no tenant markers: no tenant note', () => {
    const d = decide({ hops: [hop(0, SENDER, 'mx.example.net')], reports: [outboundScan(2)] })
    expect(d.outboundOnly).toBe(true)
    expect(has(d.findings, /^Tenant markers/)).toBe(false)
  })

  it("a receiver's renamed copy shows the recipient is on Microsoft 365: not outbound-only, markers kept", () => {
    const d = decide({
      hops: [hop(0, SENDER, 'mx.example.net')],
      reports: [untrusted(2)],
      tenant: tenant({ crossTenantIds: [TENANT] }),
    })
    expect(d.outboundOnly).toBe(false)
    expect(d.tenantIds).toEqual([TENANT])
    expect(has(d.findings, /^Only the sending tenant's outbound scan is present/)).toBe(true)
  })

  it('an outbound scan beside a candidate report is not outbound-only', () => {
    const d = decide({
      hops: [hop(0, SENDER, 'mx.example.net')],
      reports: [outboundScan(2), report(3)],
    })
    expect(d.outboundOnly).toBe(false)
    expect(has(d.findings, /^Only the sending tenant's outbound scan/)).toBe(false)
  })

  it('no report at all, no hop: only the missing Received note', () => {
    const d = decide({})
    expect(d.trusted).toBe(false)
    expect(d.outboundOnly).toBe(false)
    expect(d.findings).toEqual([
      'No Received headers: the Microsoft 365 hop cannot be found. Paste the complete headers.',
    ])
  })

  it('tenant IDs are the union of CrossTenant-Id and EOPTenantAttributedMessage, each once', () => {
    const other = '0b1c2d3e-4f50-4a61-8b72-9c83d4e5f607'
    const d = decide({
      tenant: tenant({ crossTenantIds: [TENANT], attributedTenantIds: [TENANT, other] }),
    })
    expect(d.tenantIds).toEqual([TENANT, other])
  })
})

describe("decideTrust: choosing the recipient's report", () => {
  it('consumer mail: the consumer tenant is named and no report is usual', () => {
    const d = decide({ hops: inboundHops(), tenant: tenant({ consumer: true }) })
    expect(d.trusted).toBe(true)
    expect(d.report).toBeNull()
    expect(d.basis).toContain('The tenant is the consumer Outlook.com / Hotmail tenant.')
    expect(d.findings).toEqual([
      'No X-Forefront-Antispam-Report from the recipient: usual for consumer Outlook.com mail, so the verdict rests on the organisation SCL and Mailbox-Delivery headers.',
    ])
  })

  it('tenant mail with no report: the verdict rests on the organisation headers', () => {
    const d = decide({ hops: inboundHops() })
    expect(d.trusted).toBe(true)
    expect(d.report).toBeNull()
    expect(d.basis).toHaveLength(1)
    expect(d.findings).toEqual([
      'No X-Forefront-Antispam-Report from the recipient tenant: the verdict rests on the organisation and Mailbox-Delivery headers only.',
    ])
  })

  it('without an EOP hop a DIR:INB report is not trusted: only DIR:INT, or AuthAs Internal, is usable', () => {
    const msHops = [hop(0, EXO2, EXO), hop(1, EXO, EXO2)]
    const inb = decide({ hops: msHops, reports: [report(3)] })
    expect(inb.trusted).toBe(true)
    expect(inb.report).toBeNull()
    expect(statusOf(inb)).toEqual([[3, 'no-microsoft-hop']])
    expect(inb.findings).toEqual([
      'X-Forefront-Antispam-Report (header #4) says DIR:INB, but no Exchange Online Protection front end received the message: it is not trusted.',
    ])
    const noDir = decide({ hops: msHops, reports: [report(3, { dir: null })] })
    expect(noDir.findings[0]).toMatch(/ says DIR:\?, but no Exchange Online Protection/)
    const authAs = decide({ hops: msHops, reports: [report(3)], authAs: 'INTERNAL' })
    expect(authAs.report?.index).toBe(3)
    expect(statusOf(authAs)).toEqual([[3, 'trusted']])
  })

  it('internal mail: the topmost DIR:INT report is chosen, the others are not the recipient’s', () => {
    const d = decide({
      hops: [hop(0, EXO2, EXO)],
      reports: [report(2, { dir: 'INT' }), report(4, { dir: 'INT' })],
    })
    expect(d.report?.index).toBe(2)
    expect(statusOf(d)).toEqual([
      [2, 'trusted'],
      [4, 'not-chosen'],
    ])
    expect(d.findings).toEqual([
      "X-Forefront-Antispam-Report (header #5) also claims to be a recipient verdict but is not the recipient tenant's report: probably forged by the sender; ignored.",
    ])
  })

  it('internal mail: a CIP that is not the hop IP is not questioned', () => {
    const d = decide({
      hops: [hop(0, EXO2, EXO, { fromIp: '10.0.0.1' })],
      reports: [report(2, { dir: 'INT', cip: '255.255.255.255' })],
    })
    expect(d.trusted).toBe(true)
    expect(d.findings).toEqual([])
  })

  it('above the hop: the topmost report wins, the one in the original headers below is forged', () => {
    const d = decide({ hops: inboundHops(), reports: [report(2), report(3), report(9)] })
    expect(d.report?.index).toBe(2)
    expect(statusOf(d)).toEqual([
      [2, 'trusted'],
      [3, 'not-chosen'],
      [9, 'not-chosen'],
    ])
  })

  it('one report below the hop is taken when its CIP is the IP that connected to the hop', () => {
    const r = report(7)
    const d = decide({ hops: inboundHops(), reports: [r] })
    expect(d.report).toBe(r)
    expect(d.basis).toContain(
      `X-Forefront-Antispam-Report (header #8) sits below the hop (Exchange often moves its own headers below the message's); it is taken as the recipient's because its CIP ${SENDER_IP} is the IP that connected to that hop.`,
    )
    expect(d.findings).toEqual([])
  })

  it('the CIP is compared without case (IPv6)', () => {
    const d = decide({
      hops: inboundHops('2001:db8::a'),
      reports: [report(7, { cip: '2001:DB8::A' })],
    })
    expect(d.trusted).toBe(true)
    expect(d.findings).toEqual([])
  })

  it('one report below the hop is taken on tenant markers when its CIP does not match, and the CIP is questioned', () => {
    const r = report(7, { cip: '203.0.113.9' })
    const d = decide({
      hops: inboundHops(),
      reports: [r],
      tenant: tenant({ attributedTenantIds: [TENANT] }),
    })
    expect(d.report).toBe(r)
    expect(d.basis).toContain(
      "X-Forefront-Antispam-Report (header #8) sits below the hop (Exchange often moves its own headers below the message's); it is taken as the recipient's because tenant markers stand beside it.",
    )
    expect(d.findings).toEqual([
      `The report's CIP 203.0.113.9 is not the IP that connected to the inbound hop (${SENDER_IP}), and no Enhanced Filtering header explains the difference.`,
    ])
  })

  it('one report below the hop with neither a matching CIP nor a tenant marker is ambiguous: maybe forged', () => {
    const r = report(7, { cip: '203.0.113.9' })
    const d = decide({ hops: inboundHops(), reports: [r] })
    expect(d.trusted).toBe(false)
    expect(d.report).toBeNull()
    expect(d.claimed).toBe(r)
    expect(d.microsoftDelivered).toBe(true)
    expect(statusOf(d)).toEqual([[7, 'ambiguous']])
    expect(d.findings).toEqual([
      "X-Forefront-Antispam-Report (header #8) sits below the inbound hop and neither its CIP nor a tenant marker ties it to the recipient's tenant: it may be forged.",
    ])
  })

  it('one report below the hop with no CIP and no hop IP is ambiguous', () => {
    const d = decide({ hops: inboundHops(null), reports: [report(7, { cip: null })] })
    expect(statusOf(d)).toEqual([[7, 'ambiguous']])
  })

  it('several reports below the hop: the only one whose CIP connected to the hop is chosen', () => {
    const d = decide({
      hops: inboundHops(),
      reports: [report(7, { cip: '203.0.113.9' }), report(9)],
      tenant: tenant({ crossTenantIds: [TENANT] }),
    })
    expect(d.report?.index).toBe(9)
    expect(d.basis).toContain(
      `X-Forefront-Antispam-Report (header #10) is the only report whose CIP (${SENDER_IP}) is the IP that connected to the inbound hop.`,
    )
    expect(statusOf(d)).toEqual([
      [7, 'not-chosen'],
      [9, 'trusted'],
    ])
  })

  it('several reports below the hop that cannot be told apart: none is trusted', () => {
    const a = report(7)
    const d = decide({ hops: inboundHops(), reports: [a, report(9)] })
    expect(d.trusted).toBe(false)
    expect(d.claimed).toBe(a)
    expect(statusOf(d)).toEqual([
      [7, 'ambiguous'],
      [9, 'ambiguous'],
    ])
    expect(d.findings).toEqual([
      "2 X-Forefront-Antispam-Report headers claim to be the recipient's and none can be told apart from the others: at least one is forged, so none is trusted.",
    ])
    const none = decide({
      hops: inboundHops(),
      reports: [report(7, { cip: '203.0.113.8' }), report(9, { cip: '203.0.113.9' })],
      tenant: tenant({ crossTenantIds: [TENANT] }),
    })
    expect(none.trusted).toBe(false)
  })

  it('Enhanced Filtering and the original connecting IP are IPs that connected to the hop', () => {
    const viaEf = decide({
      hops: inboundHops('192.0.2.1'),
      reports: [report(7)],
      enhancedFiltering: [ef(null), ef(SENDER_IP)],
    })
    expect(viaEf.trusted).toBe(true)
    expect(viaEf.findings).toEqual([])
    const viaOriginal = decide({
      hops: inboundHops(null),
      reports: [report(7)],
      tenant: tenant({ originalConnectingIp: { tenantId: TENANT, ip: SENDER_IP } }),
    })
    expect(viaOriginal.trusted).toBe(true)
    const noIp = decide({
      hops: inboundHops(null),
      reports: [report(7)],
      tenant: tenant({ originalConnectingIp: { tenantId: TENANT, ip: null } }),
    })
    expect(noIp.trusted).toBe(false)
  })

  it('an Enhanced Filtering header without an IP adds no known IP', () => {
    const d = decide({
      hops: inboundHops(null),
      reports: [report(3, { cip: '203.0.113.9' })],
      enhancedFiltering: [ef(null)],
    })
    expect(d.trusted).toBe(true)
    expect(d.findings).toEqual([])
  })

  it('the CIP question lists every known IP and is not asked without one, or without a CIP', () => {
    const d = decide({
      hops: inboundHops('192.0.2.1'),
      reports: [report(3, { cip: '203.0.113.9' })],
      enhancedFiltering: [ef('192.0.2.2')],
    })
    expect(d.trusted).toBe(true)
    expect(d.findings).toEqual([
      "The report's CIP 203.0.113.9 is not the IP that connected to the inbound hop (192.0.2.1, 192.0.2.2), and no Enhanced Filtering header explains the difference.",
    ])
    expect(
      decide({ hops: inboundHops(null), reports: [report(3, { cip: '203.0.113.9' })] }).findings,
    ).toEqual([])
    expect(decide({ hops: inboundHops(), reports: [report(3, { cip: null })] }).findings).toEqual(
      [],
    )
  })
})
