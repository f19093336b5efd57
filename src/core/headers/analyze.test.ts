import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from './analyze.js'
import { explainLines } from './explain.js'
import {
  inboundSample,
  SAMPLE_ADVANCED_DELIVERY,
  SAMPLE_ANTISPAM_ALLOW,
  SAMPLE_CONSUMER,
  SAMPLE_CROSS_TENANT,
  SAMPLE_FORGED,
  SAMPLE_FORGED_AND_REAL,
  SAMPLE_INTERNAL,
  SAMPLE_IP_ALLOW,
  SAMPLE_JUNKED_SPAM,
  SAMPLE_QUARANTINED_HPHSH,
  SAMPLE_SAFE_LINKS_EML,
  SAMPLE_SAFE_SENDERS,
  SAMPLE_TOP_DOWN,
  SAMPLE_TRANSPORT_RULE,
  SAMPLE_USER_JUNK,
  TENANT_ID,
  VENDOR,
} from './test-fixtures.js'

const pick = (a: ReturnType<typeof analyzeHeaders>) => ({
  trusted: a.trusted,
  direction: a.direction,
  verdict: a.verdict,
  bypass: a.bypass,
  category: a.category,
  scl: a.scl,
})

describe('analyzeHeaders on full samples', () => {
  it.each([
    [
      'transport rule (SFV:SKN)',
      SAMPLE_TRANSPORT_RULE,
      { verdict: 'inbox', bypass: 'transport-rule', category: 'none', scl: -1 },
    ],
    [
      'IP Allow List (IPV:CAL + SFV:SKI)',
      SAMPLE_IP_ALLOW,
      { verdict: 'inbox', bypass: 'ip-allow', category: 'none', scl: -1 },
    ],
    [
      'anti-spam allow (SFV:SKA)',
      SAMPLE_ANTISPAM_ALLOW,
      { verdict: 'inbox', bypass: 'anti-spam-allow', category: 'none', scl: -1 },
    ],
    [
      'Safe Senders (SFV:SFE)',
      SAMPLE_SAFE_SENDERS,
      { verdict: 'inbox', bypass: 'safe-senders', category: 'none', scl: -1 },
    ],
    [
      'junked spam',
      SAMPLE_JUNKED_SPAM,
      { verdict: 'junk', bypass: 'none', category: 'SPM', scl: 5 },
    ],
    [
      'quarantined HPHSH',
      SAMPLE_QUARANTINED_HPHSH,
      { verdict: 'quarantine', bypass: 'none', category: 'HPHSH', scl: 9 },
    ],
    [
      'advanced delivery',
      SAMPLE_ADVANCED_DELIVERY,
      { verdict: 'inbox', bypass: 'advanced-delivery', category: 'HPHSH', scl: 9 },
    ],
    ['user junk', SAMPLE_USER_JUNK, { verdict: 'junk', bypass: 'none', category: 'none', scl: 1 }],
    [
      'top-down layout, LF',
      SAMPLE_TOP_DOWN,
      { verdict: 'inbox', bypass: 'none', category: 'none', scl: 1 },
    ],
    [
      'cross-tenant',
      SAMPLE_CROSS_TENANT,
      { verdict: 'inbox', bypass: 'none', category: 'none', scl: 1 },
    ],
  ])('%s', (_name, sample, expected) => {
    const a = analyzeHeaders(sample)
    expect(pick(a)).toEqual({ trusted: true, direction: 'inbound', ...expected })
    expect(a.tenantIds).toContain(TENANT_ID)
    expect(a.evidence.some((e) => e.conclusion.startsWith('verdict:'))).toBe(true)
  })

  it('transport rule: evidence, organisation headers and BypassClutter', () => {
    const a = analyzeHeaders(SAMPLE_TRANSPORT_RULE)
    expect(a.evidence).toContainEqual({
      conclusion: 'bypass: transport-rule',
      header: 'X-Forefront-Antispam-Report',
      value: 'SFV:SKN',
    })
    expect(a.evidence).toContainEqual({
      conclusion: 'verdict: inbox',
      header: 'X-Microsoft-Antispam-Mailbox-Delivery',
      value: 'dest:I',
    })
    expect(a.decoded.organization).toMatchObject({
      scl: -1,
      authAs: 'Anonymous',
      messageDirectionality: 'Incoming',
      bypassClutter: 'true',
    })
    expect(a.verdictBasis).toBe('mailbox-delivery')
    expect(a.bypassInferred).toBe(false)
  })

  it('trust evidence names the hop, the report and the tenant marker', () => {
    const a = analyzeHeaders(SAMPLE_TRANSPORT_RULE)
    expect(a.evidence.slice(0, 3).map((e) => [e.conclusion, e.header])).toEqual([
      ['trusted: the recipient tenant received it here', 'Received'],
      ["trusted: the recipient tenant's report", 'X-Forefront-Antispam-Report'],
      ['trusted: tenant marker', 'X-MS-Exchange-CrossTenant-Id'],
    ])
    expect(a.evidence[0]?.value).toBe(
      'from mta1.phishsim-test.com (198.51.100.25) by BN8NAM11FT058.mail.protection.outlook.com',
    )
  })

  it('the hop where mail entered EOP, not an EOP-to-EOP relay', () => {
    const relay =
      'Received: from BN8NAM11FT058.mail.protection.outlook.com (10.13.177.79) by BN8NAM11FT999.eop-nam11.prod.protection.outlook.com (10.13.1.1) with Microsoft SMTP Server; Tue, 17 Nov 2026 14:02:10 +0000\r\n'
    const a = analyzeHeaders(relay + SAMPLE_TRANSPORT_RULE)
    expect(a.trusted).toBe(true)
    expect(a.evidence[0]?.value).toMatch(/^from mta1.phishsim-test.com/)
  })

  it('notes a compauth result that disagrees with its reason code', () => {
    const a = analyzeHeaders(
      inboundSample({
        report: 'CIP:198.51.100.25;SCL:1;SFV:NSPM;CAT:NONE;DIR:INB;',
        auth: 'spf=pass (sender IP is 198.51.100.25) smtp.mailfrom=x.example; dmarc=pass action=none header.from=x.example;compauth=pass reason=001',
      }),
    )
    expect(a.findings.some((f) => /compauth=pass with reason 001.*"fail"/.test(f))).toBe(true)
  })

  it('IP allow: reads SKI with the 2026 meaning and says the docs disagree', () => {
    const a = analyzeHeaders(SAMPLE_IP_ALLOW)
    expect(a.findings.some((f) => /SKI.*changed its meaning.*IP Allow List/.test(f))).toBe(true)
  })

  it('Safe Senders: reads dest:I with OFR:TrustedSenderList and the list flags', () => {
    const a = analyzeHeaders(SAMPLE_SAFE_SENDERS)
    expect(a.decoded.mailboxDelivery[0]).toMatchObject({
      ofr: 'TrustedSenderList',
      folder: 'inbox',
    })
    expect(a.decoded.mailboxDelivery[0]?.flags).toMatchObject({ wl: '1', pcwl: '1' })
  })

  it('junked spam: decodes authentication and BCL', () => {
    const a = analyzeHeaders(SAMPLE_JUNKED_SPAM)
    expect(a.auth).toEqual({
      spf: 'softfail',
      dkim: 'none',
      dmarc: 'none',
      compauth: 'fail',
      reason: '001',
      reasonMeaning: expect.stringMatching(/implicit/) as unknown as string,
      reasonSource: 'microsoft',
      dmarcAction: 'none',
    })
    expect(a.bcl).toBe(4)
  })

  it('quarantined HPHSH: predicted from the default policy', () => {
    const a = analyzeHeaders(SAMPLE_QUARANTINED_HPHSH)
    expect(a.verdictBasis).toBe('default-policy')
    expect(a.findings.some((f) => /request release/.test(f))).toBe(true)
    expect(a.findings.some((f) => /first-contact/.test(f))).toBe(true)
  })

  it('advanced delivery is marked as inferred', () => {
    const a = analyzeHeaders(SAMPLE_ADVANCED_DELIVERY)
    expect(a.bypassInferred).toBe(true)
    expect(a.findings.some((f) => /advanced delivery.*inferred/.test(f))).toBe(true)
  })

  it('cross-tenant: the -Untrusted DIR:OUT report is never the verdict', () => {
    const a = analyzeHeaders(SAMPLE_CROSS_TENANT)
    const statuses = a.decoded.reports.map((r) => [r.header, r.status, r.cip])
    expect(statuses).toEqual([
      ['X-Forefront-Antispam-Report-Untrusted', 'outbound', '255.255.255.255'],
      ['X-Forefront-Antispam-Report', 'trusted', '40.107.243.50'],
    ])
    expect(a.findings.some((f) => /Untrusted.*sending tenant's outbound scan/.test(f))).toBe(true)
    expect(a.decoded.antispam.map((x) => x.renamed)).toEqual([true, false])
    expect(a.decoded.tenant.crossTenantStamps).toHaveLength(3)
    expect(a.decoded.atp).toMatchObject({ safeAttachments: true, safeLinks: true })
  })

  it('forged report with no Microsoft hop: untrusted, nothing concluded, the claim kept aside', () => {
    const a = analyzeHeaders(SAMPLE_FORGED)
    expect(pick(a)).toEqual({
      trusted: false,
      direction: 'unknown',
      verdict: 'unknown',
      bypass: 'unknown',
      category: 'none',
      scl: null,
    })
    expect(a.decoded.reports[0]?.status).toBe('no-microsoft-hop')
    expect(a.unconfirmed).toEqual({
      verdict: 'inbox',
      bypass: 'ip-allow',
      category: 'none',
      scl: -1,
      bcl: null,
    })
    expect(a.findings.some((f) => /forged/.test(f))).toBe(true)
    expect(
      a.findings.some((f) =>
        /X-MS-Exchange-Organization-\*.*without a trustworthy Microsoft hop/.test(f),
      ),
    ).toBe(true)
    expect(explainLines(a)[0]).toMatch(/^Trusted: no/)
  })

  it('a forged report in the original headers loses to the one above the inbound hop', () => {
    const a = analyzeHeaders(SAMPLE_FORGED_AND_REAL)
    expect(pick(a)).toMatchObject({
      trusted: true,
      verdict: 'junk',
      bypass: 'none',
      category: 'SPM',
    })
    expect(a.decoded.reports.map((r) => r.status)).toEqual(['trusted', 'not-chosen'])
    expect(a.findings.some((f) => /probably forged/.test(f))).toBe(true)
  })

  it('two reports below the hop that cannot be told apart: none is trusted', () => {
    const sample = inboundSample({
      report: 'CIP:198.51.100.25;SCL:1;SFV:NSPM;CAT:NONE;DIR:INB;',
      original: [
        'X-Forefront-Antispam-Report: CIP:198.51.100.25;SCL:-1;SFV:SKN;CAT:NONE;DIR:INB;',
        'Subject: x',
      ],
    })
    const a = analyzeHeaders(sample)
    expect(a.trusted).toBe(false)
    expect(a.decoded.reports.map((r) => r.status)).toEqual(['ambiguous', 'ambiguous'])
    expect(a.findings.some((f) => /at least one is forged/.test(f))).toBe(true)
  })

  it('a Microsoft hop not connected to the hops above it is not trusted', () => {
    const forgedHop = [
      'Received: from mail.bad-actor.example (mail.bad-actor.example [203.0.113.66]) by mx.google.com with ESMTPS id x; Thu, 19 Nov 2026 07:41:02 -0800',
      'Received: from evil (203.0.113.66) by AB1NAM11FT001.mail.protection.outlook.com (10.0.0.1) with Microsoft SMTP Server; Thu, 19 Nov 2026 07:41:01 -0800',
      'X-Forefront-Antispam-Report: CIP:203.0.113.66;SFV:SKN;CAT:NONE;DIR:INB;SCL:-1',
      'X-MS-Exchange-CrossTenant-Id: 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
      '',
    ].join('\n')
    const a = analyzeHeaders(forgedHop)
    expect(a.trusted).toBe(false)
    expect(a.findings.some((f) => /not connected to the hop above it/.test(f))).toBe(true)
  })

  it("a non-Microsoft recipient sees only the sender's outbound scan", () => {
    const gmail = [
      'Received: from NAM12-DM6-obe.outbound.protection.outlook.com (40.107.243.50) by mx.google.com with ESMTPS id x; Wed, 18 Nov 2026 09:14:25 -0800',
      'Received: from CH3PR10MB7329.namprd10.prod.outlook.com (2603:10b6:610:12c::16) by SA1PR10MB5824.namprd10.prod.outlook.com with Microsoft SMTP Server; Wed, 18 Nov 2026 09:14:24 +0000',
      'X-Forefront-Antispam-Report: CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:CH3PR10MB7329.namprd10.prod.outlook.com;PTR:;CAT:NONE;SFS:;DIR:OUT;SFP:1102;',
      '',
    ].join('\r\n')
    const a = analyzeHeaders(gmail)
    expect(a.trusted).toBe(false)
    expect(a.decoded.reports[0]?.status).toBe('outbound')
    expect(a.direction).toBe('outbound')
    expect(a.unconfirmed).toBeNull()
    expect(
      a.findings.some((f) => /left Microsoft 365 through the sender's outbound front end/.test(f)),
    ).toBe(true)
  })

  it('internal mail: DIR:INT with SFV:SKI reads the older (intra-org) meaning', () => {
    const a = analyzeHeaders(SAMPLE_INTERNAL)
    expect(pick(a)).toEqual({
      trusted: true,
      direction: 'internal',
      verdict: 'inbox',
      bypass: 'none',
      category: 'none',
      scl: -1,
    })
    expect(a.findings.some((f) => /intra-organisation/.test(f))).toBe(true)
  })

  it('consumer Outlook.com: no report, verdict from the organisation SCL and dest', () => {
    const a = analyzeHeaders(SAMPLE_CONSUMER)
    expect(a).toMatchObject({ trusted: true, verdict: 'inbox', scl: 1, bcl: 3, bypass: 'unknown' })
    expect(a.decoded.tenant.consumer).toBe(true)
    expect(a.findings.some((f) => /consumer Outlook.com/.test(f))).toBe(true)
  })

  it('Safe Links: decodes the wrapped URLs of a whole .eml and ties them to the tenant', () => {
    const a = analyzeHeaders(SAMPLE_SAFE_LINKS_EML)
    expect(
      a.safeLinks.map((l) => ({
        target: l.target,
        region: l.region,
        recipient: l.recipient,
        tenantId: l.tenantId,
      })),
    ).toEqual([
      {
        target: 'https://track.phishsim-test.com/c/8f3a?u=alex&t=42',
        region: 'nam11',
        recipient: 'alex.wilber@fabrikam.com',
        tenantId: TENANT_ID,
      },
      {
        target: 'https://www.fabrikam.com/help',
        region: 'eur01',
        recipient: 'alex.wilber@fabrikam.com',
        tenantId: TENANT_ID,
      },
    ])
    expect(a.safeLinks.every((l) => l.location === 'body')).toBe(true)
    expect(a.trustBasis.some((b) => /Safe Links.*same tenant/.test(b))).toBe(true)
  })

  it('Enhanced Filtering: CIP is the original sender, tied by the EFC header', () => {
    const sample = inboundSample({
      report: 'CIP:203.0.113.10;CTRY:US;SCL:1;SFV:NSPM;IPV:NLI;CAT:NONE;DIR:INB;',
      senderIp: '192.0.2.200',
      senderHost: 'gw1.fabrikam-gateway.example',
      extra: [
        'X-MS-Exchange-SkipListedInternetSender: ip=[203.0.113.10];domain=mta1.phishsim-test.com',
        'X-MS-Exchange-ExternalOriginalInternetSender: ip=[203.0.113.10];domain=mta1.phishsim-test.com',
      ],
    })
    const a = analyzeHeaders(sample)
    expect(a.trusted).toBe(true)
    expect(a.decoded.enhancedFiltering.map((e) => [e.ip, e.domain])).toEqual([
      ['203.0.113.10', 'mta1.phishsim-test.com'],
      ['203.0.113.10', 'mta1.phishsim-test.com'],
    ])
    expect(a.trustBasis.some((b) => /CIP 203.0.113.10/.test(b))).toBe(true)
  })

  it('organisation headers: Skip* and CrossPremises', () => {
    const sample = inboundSample({
      report: 'CIP:198.51.100.25;SCL:-1;SFV:SKN;CAT:NONE;DIR:INB;',
      extra: [
        'X-MS-Exchange-Organization-SkipSafeLinksProcessing: 1',
        'X-MS-Exchange-Organization-SkipSafeAttachmentProcessing: 1',
        'X-MS-Exchange-Organization-BypassFocusedInbox: true',
        'X-MS-Exchange-Organization-AuthMechanism: 04',
        'X-MS-Exchange-CrossPremises-SCL: -1',
        'X-MS-Exchange-CrossPremises-Antispam-ScanContext: DIR:Incoming;SFV:NSPM;SKIP:0;',
        'X-MS-Exchange-Organization-BypassClutter: True',
      ],
    })
    const o = analyzeHeaders(sample).decoded.organization
    expect(o).toMatchObject({
      skipSafeLinksProcessing: '1',
      skipSafeAttachmentProcessing: '1',
      bypassFocusedInbox: 'true',
      authMechanism: '04',
      crossPremisesScl: -1,
      crossPremisesScanContext: 'DIR:Incoming;SFV:NSPM;SKIP:0;',
      bypassClutter: 'True',
    })
    expect(o.fields.find((f) => f.value === 'True')?.meaning).toMatch(/case-sensitive/)
  })

  it.each([
    ['CAT:PHSH', 'SFV:SPM;CAT:PHSH;SCL:5', 'junk'],
    ['CAT:HSPM', 'SFV:SPM;CAT:HSPM;SCL:9', 'junk'],
    ['CAT:BULK', 'SFV:SPM;CAT:BULK;SCL:6;SRV:BULK', 'junk'],
    ['CAT:SPOOF', 'SFV:SPM;CAT:SPOOF;SCL:5', 'junk'],
    ['CAT:MALW', 'SFV:NSPM;CAT:MALW;SCL:1', 'quarantine'],
    ['CAT:FTBP', 'SFV:NSPM;CAT:FTBP;SCL:1', 'quarantine'],
    ['CAT:SAP', 'SFV:NSPM;CAT:SAP;SCL:1', 'quarantine'],
    ['SFV:BLK', 'SFV:BLK;CAT:NONE;SCL:6', 'junk'],
    ['SFV:SKB', 'SFV:SKB;CAT:SPM;SCL:6', 'junk'],
    ['SFV:SKS', 'SFV:SKS;CAT:NONE;SCL:6', 'junk'],
    ['SFV:SKQ', 'SFV:SKQ;CAT:HPHSH;SCL:9', 'inbox'],
    ['CAT:UIMP', 'SFV:NSPM;CAT:UIMP;SCL:1', 'unknown'],
    ['SFV:NSPM', 'SFV:NSPM;CAT:NONE;SCL:1', 'inbox'],
  ])('default-policy verdict without Mailbox-Delivery: %s', (_n, fields, verdict) => {
    const a = analyzeHeaders(
      inboundSample({ report: `CIP:198.51.100.25;${fields};DIR:INB;`, delivery: null }),
    )
    expect(a.verdict).toBe(verdict)
  })

  it('DMARC actions without Mailbox-Delivery', () => {
    const auth = (action: string) =>
      analyzeHeaders(
        inboundSample({
          report: 'CIP:198.51.100.25;SCL:1;DIR:INB;',
          delivery: null,
          auth: `spf=fail (sender IP is 198.51.100.25) smtp.mailfrom=x.example; dkim=none header.d=none;dmarc=fail action=${action} header.from=x.example;compauth=fail reason=000`,
        }),
      )
    expect(auth('oreject').verdict).toBe('junk')
    expect(auth('oreject').findings.some((f) => /oreject/.test(f))).toBe(true)
  })

  it('SPM delivered to the Inbox by the user: safe-senders from OFR', () => {
    const a = analyzeHeaders(
      inboundSample({
        report: 'CIP:198.51.100.25;SCL:5;SFV:SPM;CAT:SPM;DIR:INB;',
        delivery: 'wl:1;pcwl:1;ucf:0;jmr:0;auth:0;dest:I;OFR:TrustedSenderList;',
      }),
    )
    expect(a.bypass).toBe('safe-senders')
    expect(a.bypassInferred).toBe(false)
  })

  it('IPV:CAL with SFV:NSPM is not a bypass and is reported', () => {
    const a = analyzeHeaders(
      inboundSample({ report: 'CIP:198.51.100.25;SCL:1;IPV:CAL;SFV:NSPM;CAT:NONE;DIR:INB;' }),
    )
    expect(a.bypass).toBe('none')
    expect(a.findings.some((f) => /IPV:CAL with SFV:NSPM/.test(f))).toBe(true)
  })

  it('SFV:SKI without IPV:CAL on inbound mail: ip-allow, inferred', () => {
    const a = analyzeHeaders(
      inboundSample({ report: 'CIP:198.51.100.25;SCL:-1;IPV:NLI;SFV:SKI;CAT:NONE;DIR:INB;' }),
    )
    expect([a.bypass, a.bypassInferred]).toEqual(['ip-allow', true])
    expect(a.findings.some((f) => /two meanings/.test(f))).toBe(true)
  })

  it('explains in plain words', () => {
    const lines = explainLines(analyzeHeaders(SAMPLE_JUNKED_SPAM, { vendor: VENDOR }))
    const text = lines.join('\n')
    expect(lines[0]).toMatch(/^Trusted: yes/)
    expect(text).toMatch(/Where it went: the Junk Email folder/)
    expect(text).toMatch(/What was detected: SPM \(spam\)/)
    expect(text).toMatch(/composite authentication fail \(reason 001: implicit/)
    expect(text).toMatch(/Vendor: this message is from the vendor; configuration took effect: no/)
  })
})
