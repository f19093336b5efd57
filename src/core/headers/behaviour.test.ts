/**
 * One test per header-analyzer row of the behaviour register (src/core/behaviour/headers.ts):
 * each test's name starts with the row's id and pins the rule as the row states it.
 */
import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from './analyze.js'
import { decodeAuthResults } from './auth-results.js'
import { explainLines } from './explain.js'
import { decodeForefrontReport } from './forefront.js'
import {
  inboundSample,
  SAMPLE_ADVANCED_DELIVERY,
  SAMPLE_CROSS_TENANT,
  SAMPLE_FORGED,
  SAMPLE_INTERNAL,
  SAMPLE_IP_ALLOW,
  SAMPLE_JUNKED_SPAM,
  SAMPLE_QUARANTINED_HPHSH,
  SAMPLE_SAFE_SENDERS,
  SAMPLE_TRANSPORT_RULE,
  SAMPLE_USER_JUNK,
  TENANT_ID,
} from './test-fixtures.js'
import { bclMeaning, catMeaning, sclMeaning, sfvMeaning, sftyMeaning } from './vocabulary.js'

const report = (fields: string, delivery: string | null = null) =>
  analyzeHeaders(inboundSample({ report: `CIP:198.51.100.25;${fields};DIR:INB;`, delivery }))

/** The sending tenant (Contoso, hybrid) to a Gmail recipient: only the sender's Microsoft hops. */
const SENDER_TENANT = '0b1c2d3e-4f50-4a61-8b72-9c83d4e5f607'
const OUTBOUND_ONLY = [
  'Delivered-To: alex.wilber@gmail.example',
  'Received: from NAM12-DM6-obe.outbound.protection.outlook.com (mail-dm6nam12on2050.outbound.protection.outlook.com. [40.107.243.50])',
  '        by mx.google.com with ESMTPS id a640c23a62f3a-aa5e2f0b1c9si1234567;',
  '        Wed, 18 Nov 2026 01:14:27 -0800 (PST)',
  'Received: from BN2PEPF000044A0.namprd02.prod.outlook.com (2603:10b6:408:fe:cafe::a) by',
  ' SA1PR11MB8394.namprd11.prod.outlook.com (2603:10b6:806:3bc::15) with Microsoft SMTP',
  ' Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.21;',
  ' Wed, 18 Nov 2026 09:14:26 +0000',
  'Received: from mail.contoso-onprem.example (203.0.113.5) by',
  ' BN2PEPF000044A0.mail.protection.outlook.com (10.167.243.151) with Microsoft SMTP',
  ' Server id 15.20.8158.14 via Frontend Transport; Wed, 18 Nov 2026 09:14:25 +0000',
  'From: Megan Bowen <megan.bowen@contoso.example>',
  'To: alex.wilber@gmail.example',
  'Subject: Q4 partner review',
  'X-MS-Exchange-Organization-MessageDirectionality: Originating',
  `X-MS-Exchange-CrossTenant-Id: ${SENDER_TENANT}`,
  'X-MS-Exchange-CrossTenant-FromEntityHeader: HybridOnPrem',
  'X-OriginatorOrg: contoso.example',
  'X-Forefront-Antispam-Report: CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;',
  ' H:mail.contoso-onprem.example;PTR:;CAT:NONE;SFS:(13230040);DIR:OUT;SFP:1102;',
  '',
].join('\r\n')

describe('header analyzer behaviours (register rows)', () => {
  it(`hdr.trust.recipient-hop: the recipient's EOP hop and the report above it, corroborated by tenant markers`, () => {
    const a = analyzeHeaders(SAMPLE_TRANSPORT_RULE)
    expect(a.trusted).toBe(true)
    expect(a.tenantIds).toEqual([TENANT_ID])
    expect(a.decoded.reports.map((r) => r.status)).toEqual(['trusted'])
  })

  it(`hdr.trust.renamed-copy: -Untrusted copies are another tenant's, never the verdict`, () => {
    const a = analyzeHeaders(SAMPLE_CROSS_TENANT)
    expect(a.decoded.reports[0]).toMatchObject({ renamed: true, status: 'outbound' })
    expect(a.decoded.authResults.every((x) => !x.renamed || x.header !== a.auth.compauth)).toBe(
      true,
    )
  })

  it('hdr.trust.no-microsoft-hop: a report or organisation header with no trustworthy Microsoft hop is not believed', () => {
    const a = analyzeHeaders(SAMPLE_FORGED)
    expect([a.trusted, a.verdict, a.scl]).toEqual([false, 'unknown', null])
    expect(a.findings.some((f) => /Exchange strips such headers/.test(f))).toBe(true)
  })

  it(`hdr.trust.outbound-only: only the sender's outbound hops: direction outbound, never a recipient verdict`, () => {
    const a = analyzeHeaders(OUTBOUND_ONLY)
    expect({
      trusted: a.trusted,
      direction: a.direction,
      verdict: a.verdict,
      unconfirmed: a.unconfirmed,
      tenantIds: a.tenantIds,
    }).toEqual({
      trusted: false,
      direction: 'outbound',
      verdict: 'unknown',
      unconfirmed: null,
      tenantIds: [],
    })
    expect(a.decoded.reports.map((r) => r.status)).toEqual(['outbound'])
    expect(a.findings.some((f) => f.includes(`${SENDER_TENANT}: the sending tenant's`))).toBe(true)
    expect(a.evidence[0]).toMatchObject({
      header: 'Received',
      value: expect.stringMatching(/mx.google.com/) as unknown as string,
    })
    const text = explainLines(a).join('\n')
    expect(text).toMatch(/^Trusted: no\. These are the sending tenant's headers/)
    expect(text).toMatch(/Direction: outbound/)
    const v = analyzeHeaders(OUTBOUND_ONLY, {
      vendor: { ips: ['203.0.113.0/24'], domains: ['contoso.example'], linkDomains: [] },
    }).vendorCheck
    expect(v?.tookEffect).toBe('unknown')
    expect(v?.advice.join('\n')).toMatch(/sending side's on the way out of Microsoft 365/)
    // The recipient's own EOP relaying to its on-premises servers (hybrid) is not outbound-only.
    const hybrid = analyzeHeaders(
      'Received: from NAM11-BN8-obe.outbound.protection.outlook.com (40.107.212.50) by mail.fabrikam-onprem.example (192.0.2.10) with Microsoft SMTP Server; Tue, 17 Nov 2026 14:02:12 +0000\r\n' +
        SAMPLE_TRANSPORT_RULE,
    )
    expect([hybrid.trusted, hybrid.direction, hybrid.bypass]).toEqual([
      true,
      'inbound',
      'transport-rule',
    ])
    expect(hybrid.findings.some((f) => /went on to mail.fabrikam-onprem.example/.test(f))).toBe(
      true,
    )
    // A pasted DIR:OUT report alone is outbound too.
    const bare = analyzeHeaders(
      'X-Forefront-Antispam-Report: CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SFV:NSPM;CAT:NONE;DIR:OUT;\r\n',
    )
    expect([bare.direction, bare.verdict, bare.unconfirmed]).toEqual(['outbound', 'unknown', null])
  })

  it('hdr.partial.unconfirmed: a pasted report block alone: trusted false, verdict unknown, what it would mean kept apart', () => {
    const a = analyzeHeaders(
      [
        'X-Forefront-Antispam-Report: CIP:198.51.100.25;CTRY:US;LANG:en;SCL:-1;SRV:;IPV:CAL;SFV:SKN;',
        ' H:mta1.phishsim-test.com;PTR:mta1.phishsim-test.com;CAT:NONE;SFS:;DIR:INB;',
        'X-Microsoft-Antispam: BCL:3;',
        '',
      ].join('\n'),
    )
    expect([a.trusted, a.verdict, a.bypass, a.direction]).toEqual([
      false,
      'unknown',
      'unknown',
      'unknown',
    ])
    expect(a.unconfirmed).toEqual({
      verdict: 'inbox',
      category: 'none',
      bypass: 'ip-allow',
      scl: -1,
      bcl: 3,
    })
    const text = explainLines(a).join('\n')
    expect(text).toMatch(/^Trusted: no/)
    expect(text).toMatch(/Unconfirmed: the report can't be tied/)
    expect(text).toMatch(/what let it through: the connection filter's IP Allow List/)
    expect(text).toMatch(/spam confidence level -1/)
    expect(text).toMatch(/bulk complaint level 3/)
    expect(text).toMatch(/Where it went: unknown from these headers/)
    // JSON keeps the same shape.
    expect(JSON.parse(JSON.stringify(a)).unconfirmed).toMatchObject({ bcl: 3 })
    // The value alone, without its header name, even split over lines.
    const bare = analyzeHeaders(
      'CIP:198.51.100.25;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;\nH:mta1.phishsim-test.com;PTR:;CAT:PHSH;SFS:;DIR:INB;\n',
    )
    expect([bare.trusted, bare.verdict]).toEqual([false, 'unknown'])
    expect(bare.unconfirmed).toEqual({
      verdict: 'junk',
      category: 'PHSH',
      bypass: 'none',
      scl: 5,
      bcl: null,
    })
    expect(bare.decoded.reports[0]?.header).toBe('X-Forefront-Antispam-Report')
    expect(bare.findings.some((f) => /pasted X-Forefront-Antispam-Report value/.test(f))).toBe(true)
  })

  it(`hdr.sfv.verdicts: SFV values read per Microsoft's table (SKA, SKN, SFE, SKB, SKS, BLK, SKQ)`, () => {
    expect(report('SCL:-1;SFV:SKA;CAT:NONE').bypass).toBe('anti-spam-allow')
    expect(report('SCL:-1;SFV:SKN;CAT:NONE').bypass).toBe('transport-rule')
    expect(report('SCL:-1;SFV:SFE;CAT:NONE').bypass).toBe('safe-senders')
    expect(report('SCL:6;SFV:SKB;CAT:SPM').verdict).toBe('junk')
    expect(report('SCL:6;SFV:SKS;CAT:NONE').verdict).toBe('junk')
    expect(report('SCL:6;SFV:BLK;CAT:NONE').verdict).toBe('junk')
    expect(report('SCL:9;SFV:SKQ;CAT:HPHSH').verdict).toBe('inbox')
    expect(sfvMeaning('DMS')).toMatch(/undocumented.*MHA/)
  })

  it('hdr.sfv.ski-two-meanings: SKI with IPV:CAL is the IP Allow List, on internal mail the older intra-org skip', () => {
    expect(analyzeHeaders(SAMPLE_IP_ALLOW).bypass).toBe('ip-allow')
    expect(analyzeHeaders(SAMPLE_INTERNAL).bypass).toBe('none')
    const a = report('SCL:-1;IPV:NLI;SFV:SKI;CAT:NONE')
    expect([a.bypass, a.bypassInferred]).toEqual(['ip-allow', true])
  })

  it('hdr.ipv-cal.ip-allow-list: IPV:CAL with SFV:SKN is the IP Allow List, and the explanation says the pages differ', () => {
    const a = analyzeHeaders(
      inboundSample({
        report:
          'CIP:198.51.100.25;CTRY:US;LANG:en;SCL:-1;SRV:;IPV:CAL;SFV:SKN;H:mta1.phishsim-test.com;PTR:mta1.phishsim-test.com;CAT:NONE;SFS:;DIR:INB;',
      }),
    )
    expect([a.verdict, a.bypass, a.bypassInferred]).toEqual(['inbox', 'ip-allow', false])
    expect(a.evidence).toContainEqual({
      conclusion: 'bypass: ip-allow',
      header: 'X-Forefront-Antispam-Report',
      value: 'IPV:CAL;SFV:SKN',
    })
    const text = explainLines(a).join('\n')
    expect(text).toMatch(/What let it through: the connection filter's IP Allow List/)
    expect(text).not.toMatch(/mail flow \(transport\) rule/)
    expect(text).toMatch(
      /Microsoft's pages differ.*create-safe-sender-lists.*SKN.*troubleshooting.*SKI/,
    )
    const sfv = a.decoded.reports[0]?.fields.find((f) => f.key === 'SFV')
    expect(sfv?.meaning).toMatch(/IP Allow List/)
    // SKI with CAL: the same reading, and the same note that the pages differ.
    const ski = analyzeHeaders(SAMPLE_IP_ALLOW)
    expect(ski.bypass).toBe('ip-allow')
    expect(ski.findings.some((f) => /IPV:CAL with SFV:SKI.*SKN instead/.test(f))).toBe(true)
    // CAL with a filtering verdict: the list matched, but filtering still ran.
    const spm = report('SCL:5;IPV:CAL;SFV:SPM;CAT:SPM')
    expect(spm.bypass).toBe('none')
    expect(spm.findings.some((f) => /IPV:CAL with SFV:SPM.*still ran/.test(f))).toBe(true)
  })

  it(`hdr.cat.categories: CAT values read per Microsoft's table`, () => {
    for (const [cat, meaning] of [
      ['HPHSH', /high-confidence phishing/],
      ['HPHISH', /high-confidence phishing/],
      ['GIMP', /mailbox intelligence/],
      ['INTOS', /intra-organisation/],
      ['OSPM', /outbound spam/],
    ] as const)
      expect(catMeaning(cat)).toMatch(meaning)
    expect(analyzeHeaders(SAMPLE_JUNKED_SPAM).category).toBe('SPM')
  })

  it('hdr.cat.unoverridable: malware and high-confidence phish are quarantined whatever the allows', () => {
    expect(analyzeHeaders(SAMPLE_QUARANTINED_HPHSH).verdict).toBe('quarantine')
    expect(report('SCL:-1;SFV:SKN;CAT:MALW').verdict).toBe('quarantine')
  })

  it('hdr.scl.level: SCL from the report, else the organisation header; -1 is an instruction', () => {
    expect(analyzeHeaders(SAMPLE_TRANSPORT_RULE).scl).toBe(-1)
    expect(sclMeaning(-1)).toMatch(/instruction/)
    expect(report('SCL:6;CAT:NONE').verdict).toBe('junk')
  })

  it('hdr.bcl.level: BCL from X-Microsoft-Antispam, against the bulk thresholds', () => {
    expect(analyzeHeaders(SAMPLE_JUNKED_SPAM).bcl).toBe(4)
    expect(bclMeaning(7)).toMatch(/default \(7\)/)
  })

  it('hdr.sfty.safety-level: 9.19, 9.20 and 9.25 read; others unknown', () => {
    expect(sftyMeaning('9.19')).toMatch(/domain impersonation/)
    expect(sftyMeaning('9.25')).toMatch(/not a verdict/)
    expect(sftyMeaning('9.99')).toMatch(/unknown/)
    expect(analyzeHeaders(SAMPLE_QUARANTINED_HPHSH).findings.some((f) => /SFTY:9.25/.test(f))).toBe(
      true,
    )
  })

  it('hdr.dir.direction: DIR INB/OUT/INT, else the organisation directionality', () => {
    expect(analyzeHeaders(SAMPLE_TRANSPORT_RULE).direction).toBe('inbound')
    expect(analyzeHeaders(SAMPLE_INTERNAL).direction).toBe('internal')
  })

  it('hdr.srv.bulk: SRV:BULK is bulk judged against the BCL threshold', () => {
    const a = report('SCL:6;SRV:BULK;SFV:SPM;CAT:BULK')
    expect(a.verdict).toBe('junk')
    expect(a.findings.some((f) => /SRV:BULK/.test(f))).toBe(true)
  })

  it('hdr.customspam.asf: X-CustomSpam as a report field or its own header', () => {
    expect(report('SCL:9;SFV:SPM;CAT:HSPM;X-CustomSpam:Web bug').findings.join()).toMatch(
      /Advanced Spam Filter/,
    )
    const own = analyzeHeaders(
      inboundSample({
        report: 'CIP:198.51.100.25;SCL:9;SFV:SPM;CAT:HSPM;DIR:INB;',
        extra: ['X-CustomSpam: Web bug'],
      }),
    )
    expect(own.findings.some((f) => /X-CustomSpam appears as its own header/.test(f))).toBe(true)
  })

  it('hdr.arc.field: the ARC field is decoded, not concluded from', () => {
    const r = decodeForefrontReport('ARC:AAR;SFV:NSPM;CAT:NONE;')
    expect(r.fields.find((f) => f.key === 'ARC')?.meaning).toMatch(/ARC sub-fields/)
  })

  it(`hdr.auth.recipient-results: the recipient's Authentication-Results (with compauth), never a renamed copy`, () => {
    const a = analyzeHeaders(SAMPLE_CROSS_TENANT)
    expect(a.auth.compauth).toBe('pass')
    expect(decodeAuthResults('spf=pass', 'Authentication-Results-Original').renamed).toBe(true)
  })

  it('hdr.auth.dmarc-action: DMARC action values, oreject delivered to Junk', () => {
    const a = analyzeHeaders(
      inboundSample({
        report: 'CIP:198.51.100.25;SCL:1;DIR:INB;',
        delivery: null,
        auth: 'spf=fail (sender IP is 198.51.100.25) smtp.mailfrom=x.example; dkim=none header.d=none;dmarc=fail action=oreject header.from=x.example;compauth=fail reason=000',
      }),
    )
    expect(a.verdict).toBe('junk')
    expect(a.findings.some((f) => /oreject/.test(f))).toBe(true)
    // pct.quarantine / pct.reject: Microsoft says the action was NOT applied (delivered anyway).
    for (const action of ['pct.quarantine', 'pct.reject']) {
      const p = analyzeHeaders(
        inboundSample({
          report: 'CIP:198.51.100.25;SCL:1;SFV:NSPM;CAT:NONE;DIR:INB;',
          delivery: null,
          auth: `spf=fail (sender IP is 198.51.100.25) smtp.mailfrom=x.example; dkim=none header.d=none;dmarc=fail action=${action} header.from=x.example;compauth=fail reason=000`,
        }),
      )
      expect(p.verdict, action).toBe('inbox')
      expect(
        p.findings.some((f) => /NOT applied to this message/.test(f)),
        action,
      ).toBe(true)
    }
  })

  it('hdr.auth.compauth-fail-not-blocking: compauth=fail alone does not block', () => {
    const a = analyzeHeaders(
      inboundSample({
        report: 'CIP:198.51.100.25;SCL:1;SFV:NSPM;CAT:NONE;DIR:INB;',
        auth: 'spf=none smtp.mailfrom=x.example; dmarc=none action=none header.from=x.example;compauth=fail reason=001',
      }),
    )
    expect(a.verdict).toBe('inbox')
    expect(a.findings.some((f) => /does not block/.test(f))).toBe(true)
  })

  it('hdr.verdict.mailbox-delivery: where it went comes from dest: (undocumented by Microsoft)', () => {
    expect(analyzeHeaders(SAMPLE_JUNKED_SPAM)).toMatchObject({
      verdict: 'junk',
      verdictBasis: 'mailbox-delivery',
    })
  })

  it('hdr.verdict.default-policy: without Mailbox-Delivery, predicted and marked as such', () => {
    const a = report('SCL:5;SFV:SPM;CAT:PHSH')
    expect([a.verdict, a.verdictBasis]).toEqual(['junk', 'default-policy'])
  })

  it(`hdr.bypass.user-settings: the user's Safe Senders or junk settings decide in the mailbox`, () => {
    expect(analyzeHeaders(SAMPLE_SAFE_SENDERS).bypass).toBe('safe-senders')
    expect(analyzeHeaders(SAMPLE_USER_JUNK).findings.join()).toMatch(/NSPM with dest:J/)
  })

  it('hdr.bypass.advanced-delivery-inferred: a detection in the Inbox with no stamp is advanced delivery, inferred', () => {
    const a = analyzeHeaders(SAMPLE_ADVANCED_DELIVERY)
    expect([a.bypass, a.bypassInferred]).toEqual(['advanced-delivery', true])
  })

  it('hdr.efc.skip-listing: Enhanced Filtering restores the original IP and does not bypass filtering', () => {
    const a = analyzeHeaders(
      inboundSample({
        report: 'CIP:203.0.113.10;SCL:5;SFV:SPM;CAT:SPM;DIR:INB;',
        senderIp: '192.0.2.200',
        delivery: 'ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;RF:JunkEmail;',
        extra: ['X-MS-Exchange-SkipListedInternetSender: ip=[203.0.113.10];domain=mta1.example'],
      }),
    )
    expect(a.bypass).toBe('none')
    expect(a.decoded.enhancedFiltering[0]?.meaning).toMatch(/filtering still ran/)
  })
})
