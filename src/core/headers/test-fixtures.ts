/**
 * Realistic header samples for the analyzer's tests and benchmark, written for passage: the
 * recipient tenant is Fabrikam (tenant 6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b), the vendor is a
 * phishing-simulation service sending from 198.51.100.25 as phishsim-test.com with tracking
 * links on track.phishsim-test.com. IPs outside Microsoft's ranges are documentation addresses.
 */

/** The recipient tenant. */
export const TENANT_ID = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b'
/** The recipient. */
export const RECIPIENT = 'alex.wilber@fabrikam.com'
/** The vendor under test. */
export const VENDOR = {
  ips: ['198.51.100.0/24'],
  domains: ['phishsim-test.com'],
  linkDomains: ['track.phishsim-test.com'],
}
const SENDER_IP = '198.51.100.25'
const SENDER_HOST = 'mta1.phishsim-test.com'
const EOP = 'BN8NAM11FT058.mail.protection.outlook.com'
const EOP_AUTHSOURCE = 'BN8NAM11FT058.eop-nam11.prod.protection.outlook.com'

/** Folds a header line the way Exchange does: breaks after `;` or a space near 78 columns. */
export function fold(name: string, value: string, eol = '\r\n'): string {
  const line = `${name}: ${value}`
  const out: string[] = []
  let rest = line
  while (rest.length > 78) {
    let cut = -1
    for (let i = 77; i > 20; i--) {
      const c = rest[i]
      if (c === ';' || c === ' ') {
        cut = i + 1
        break
      }
    }
    if (cut < 0) break
    out.push(rest.slice(0, cut).trimEnd())
    rest = ' ' + rest.slice(cut).trimStart()
  }
  out.push(rest)
  return out.join(eol)
}

/** Options of an inbound message sample. */
export interface InboundSample {
  /** X-Forefront-Antispam-Report value. */
  report: string
  /** X-Microsoft-Antispam value (default `BCL:0;`). */
  antispam?: string
  /** Authentication-Results value (default: all pass). */
  auth?: string
  /** X-Microsoft-Antispam-Mailbox-Delivery value; null for none (e.g. viewed from quarantine). */
  delivery?: string | null
  /** Value of X-MS-Exchange-Organization-SCL (default: the report's SCL). */
  orgScl?: string
  /** Extra organisation / transport headers, as `Name: value`. */
  extra?: string[]
  /** outlook: Exchange's own headers after the message's (as Outlook shows them); top-down: above the hop. */
  layout?: 'outlook' | 'top-down'
  eol?: '\r\n' | '\n'
  /** A body (makes the sample a whole .eml). */
  body?: string
  /** Headers of the original message (default: a phishing-simulation message). */
  original?: string[]
  senderIp?: string
  senderHost?: string
}

const DEFAULT_AUTH = `spf=pass (sender IP is ${SENDER_IP}) smtp.mailfrom=bounce.phishsim-test.com; dkim=pass (signature was verified) header.d=phishsim-test.com;dkim=pass (signature was verified) header.d=phishsim-test.com;fabrikam.com; dmarc=pass action=none header.from=phishsim-test.com;compauth=pass reason=100`

/** Builds a realistic inbound message's headers as the recipient sees them. */
export function inboundSample(o: InboundSample): string {
  const eol = o.eol ?? '\r\n'
  const ip = o.senderIp ?? SENDER_IP
  const host = o.senderHost ?? SENDER_HOST
  const scl = /SCL:(-?\d)/.exec(o.report)?.[1] ?? '1'
  const delivered = [
    fold(
      'Received',
      'from PH0PR11MB5880.namprd11.prod.outlook.com (2603:10b6:510:14a::10) by MW4PR11MB5776.namprd11.prod.outlook.com with HTTPS; Tue, 17 Nov 2026 14:02:11 +0000',
      eol,
    ),
    fold(
      'Received',
      'from BN9PR03CA0517.namprd03.prod.outlook.com (2603:10b6:408:131::12) by PH0PR11MB5880.namprd11.prod.outlook.com (2603:10b6:510:14a::10) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.21; Tue, 17 Nov 2026 14:02:10 +0000',
      eol,
    ),
    fold(
      'Received',
      `from ${EOP_AUTHSOURCE} (2603:10b6:408:131:cafe::5d) by BN9PR03CA0517.outlook.office365.com (2603:10b6:408:131::12) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.21 via Frontend Transport; Tue, 17 Nov 2026 14:02:10 +0000`,
      eol,
    ),
    fold('Authentication-Results', o.auth ?? DEFAULT_AUTH, eol),
    fold(
      'Received-SPF',
      `Pass (protection.outlook.com: domain of bounce.phishsim-test.com designates ${ip} as permitted sender) receiver=protection.outlook.com; client-ip=${ip}; helo=${host}; pr=C`,
      eol,
    ),
  ]
  const hop = fold(
    'Received',
    `from ${host} (${ip}) by ${EOP} (10.13.177.79) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8158.14 via Frontend Transport; Tue, 17 Nov 2026 14:02:09 +0000`,
    eol,
  )
  const original = o.original ?? [
    fold(
      'Received',
      `by ${host} (Postfix, from userid 1001) id 4Cb7xK0Zq8z9vQ; Tue, 17 Nov 2026 14:02:08 +0000 (UTC)`,
      eol,
    ),
    fold(
      'DKIM-Signature',
      'v=1; a=rsa-sha256; c=relaxed/relaxed; d=phishsim-test.com; s=s1; t=1795010528; h=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=Qm9ndXMgc2lnbmF0dXJlIGZvciB0ZXN0cw==',
      eol,
    ),
    'From: "IT Service Desk" <servicedesk@phishsim-test.com>',
    `To: Alex Wilber <${RECIPIENT}>`,
    'Subject: Action required: your mailbox is almost full',
    'Date: Tue, 17 Nov 2026 14:02:08 +0000',
    'Message-ID: <20261117140208.4Cb7xK0Zq8z9vQ@mta1.phishsim-test.com>',
    'Return-Path: bounce+a1b2c3@bounce.phishsim-test.com',
    'Content-Type: multipart/alternative; boundary="b1_5f0a"',
    'MIME-Version: 1.0',
  ]
  const stamps = [
    'X-MS-Exchange-Organization-ExpirationStartTime: 17 Nov 2026 14:02:09.8128 (UTC)',
    'X-MS-Exchange-Organization-Network-Message-Id: 9d3e2f10-7c4b-4a55-bd21-08dd0a1c2b3e',
    'X-EOPAttributedMessage: 0',
    `X-EOPTenantAttributedMessage: ${TENANT_ID}:0`,
    'X-MS-Exchange-Organization-MessageDirectionality: Incoming',
    'X-MS-PublicTrafficType: Email',
    `X-MS-Exchange-Organization-AuthSource: ${EOP_AUTHSOURCE}`,
    'X-MS-Exchange-Organization-AuthAs: Anonymous',
    `X-MS-Exchange-Organization-SCL: ${o.orgScl ?? scl}`,
    ...(o.extra ?? []),
    fold('X-Microsoft-Antispam', o.antispam ?? 'BCL:0;ARA:13230040|376014|1800799024;', eol),
    fold('X-Forefront-Antispam-Report', o.report, eol),
    'X-MS-Exchange-CrossTenant-OriginalArrivalTime: 17 Nov 2026 14:02:09.7347 (UTC)',
    'X-MS-Exchange-CrossTenant-Network-Message-Id: 9d3e2f10-7c4b-4a55-bd21-08dd0a1c2b3e',
    `X-MS-Exchange-CrossTenant-Id: ${TENANT_ID}`,
    `X-MS-Exchange-CrossTenant-AuthSource: ${EOP_AUTHSOURCE}`,
    'X-MS-Exchange-CrossTenant-AuthAs: Anonymous',
    'X-MS-Exchange-CrossTenant-FromEntityHeader: Internet',
    'X-MS-Exchange-Transport-CrossTenantHeadersStamped: PH0PR11MB5880',
    ...(o.delivery === null
      ? []
      : [
          fold(
            'X-Microsoft-Antispam-Mailbox-Delivery',
            o.delivery ??
              'ucf:0;jmr:0;auth:0;dest:I;ENG:(910001)(944506478)(944626604)(920097)(930097)(3100021)(140003)(1420198);',
            eol,
          ),
        ]),
    fold(
      'X-Microsoft-Antispam-Message-Info',
      'K1nXzM3a0cP7tq2Jw9nHgQ0bq4F2qX8Xk2m1r3s5t7u9v0w2y4z6A8C0E2G4I6K8M0O2Q4S6U8W0Y2a4c6e8g0i2k4m6o8q0s2u4w6y8=',
      eol,
    ),
  ]
  const lines =
    (o.layout ?? 'outlook') === 'outlook'
      ? [...delivered, hop, ...original, ...stamps]
      : [...delivered.slice(0, 3), ...stamps, ...delivered.slice(3), hop, ...original]
  const head = lines.join(eol) + eol
  return o.body === undefined ? head : head + eol + o.body
}

/** A transport rule set SCL -1: SFV:SKN, delivered to the Inbox. */
export const SAMPLE_TRANSPORT_RULE = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:-1;SRV:;IPV:NLI;SFV:SKN;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:NONE;SFS:;DIR:INB;`,
  extra: [
    'X-MS-Exchange-Organization-BypassClutter: true',
    'X-ETR: Bypass spam filtering for phishsim-test.com (passage)',
  ],
})

/** The IP Allow List: IPV:CAL and SFV:SKI, delivered to the Inbox. */
export const SAMPLE_IP_ALLOW = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:-1;SRV:;IPV:CAL;SFV:SKI;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:NONE;SFS:;DIR:INB;`,
})

/** An anti-spam policy's allowed senders: SFV:SKA. */
export const SAMPLE_ANTISPAM_ALLOW = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:-1;SRV:;IPV:NLI;SFV:SKA;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:NONE;SFS:;DIR:INB;`,
})

/** The recipient's Safe Senders: SFV:SFE and OFR:TrustedSenderList. */
export const SAMPLE_SAFE_SENDERS = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:-1;SRV:;IPV:NLI;SFV:SFE;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:NONE;SFS:;DIR:INB;`,
  delivery:
    'wl:1;pcwl:1;kl:0;iwl:0;ijl:0;dwl:0;dkl:0;rwl:0;ucf:0;jmr:0;auth:0;dest:I;OFR:TrustedSenderList;ENG:(910001)(944506478)(944626604)(920097)(425001)(930097)(140003);',
})

/** Spam, junked: SFV:SPM, CAT:SPM, dest:J, with weak authentication. */
export const SAMPLE_JUNKED_SPAM = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:SPM;SFS:(13230040)(4636009)(376014)(1800799024)(8096899003);DIR:INB;`,
  antispam: 'BCL:4;ARA:13230040|376014|1800799024|8096899003;',
  auth: `spf=softfail (sender IP is ${SENDER_IP}) smtp.mailfrom=bounce.phishsim-test.com; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=phishsim-test.com;compauth=fail reason=001`,
  delivery:
    'ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(910001)(944506478)(944626604)(920097)(930097)(140003);RF:JunkEmail;',
})

/** High-confidence phish, headers viewed from quarantine (no Mailbox-Delivery). */
export const SAMPLE_QUARANTINED_HPHSH = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:9;SRV:;IPV:NLI;SFV:SPM;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:HPHSH;SFTY:9.25;SFS:(13230040)(4636009)(376014)(1800799024);DIR:INB;`,
  delivery: null,
})

/** High-confidence phish in the Inbox with no bypass stamp: advanced delivery (inferred). */
export const SAMPLE_ADVANCED_DELIVERY = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:9;SRV:;IPV:NLI;SFV:SPM;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:HPHSH;SFS:(13230040)(4636009);DIR:INB;`,
})

/** The filter said not spam, the user's settings junked it: SFV:NSPM with dest:J. */
export const SAMPLE_USER_JUNK = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:NONE;SFS:(13230040);DIR:INB;`,
  delivery: 'ucf:0;jmr:1;auth:0;dest:J;OFR:ExclusiveSettings;ENG:(910001)(944506478);RF:JunkEmail;',
})

/** Top-down layout (the report above the inbound hop), LF line ends. */
export const SAMPLE_TOP_DOWN = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:NONE;SFS:;DIR:INB;`,
  layout: 'top-down',
  eol: '\n',
})

/**
 * Contoso (a Microsoft 365 tenant) to Fabrikam: the sender's outbound report renamed
 * -Untrusted (DIR:OUT, CIP:255.255.255.255), plus Fabrikam's own inbound report.
 */
export const SAMPLE_CROSS_TENANT = [
  'Received: from SA1PR11MB8394.namprd11.prod.outlook.com (2603:10b6:806:3bc::15)',
  ' by DS0PR11MB7410.namprd11.prod.outlook.com with HTTPS; Wed, 18 Nov 2026',
  ' 09:14:27 +0000',
  'Received: from BN9PR03CA0123.namprd03.prod.outlook.com (2603:10b6:408:fe::8)',
  ' by SA1PR11MB8394.namprd11.prod.outlook.com (2603:10b6:806:3bc::15) with',
  ' Microsoft SMTP Server (version=TLS1_2,',
  ' cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.21; Wed, 18 Nov',
  ' 2026 09:14:26 +0000',
  'Received: from BN2PEPF000044A0.namprd02.prod.outlook.com',
  ' (2603:10b6:408:fe:cafe::a) by BN9PR03CA0123.outlook.office365.com',
  ' (2603:10b6:408:fe::8) with Microsoft SMTP Server (version=TLS1_2,',
  ' cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.21 via Frontend',
  ' Transport; Wed, 18 Nov 2026 09:14:26 +0000',
  'Authentication-Results: spf=pass (sender IP is 40.107.243.50)',
  ' smtp.mailfrom=contoso.com; dkim=pass (signature was verified)',
  ' header.d=contoso.com;dmarc=pass action=none header.from=contoso.com;compauth=pass',
  ' reason=100',
  'Received-SPF: Pass (protection.outlook.com: domain of contoso.com designates',
  ' 40.107.243.50 as permitted sender) receiver=protection.outlook.com;',
  ' client-ip=40.107.243.50; helo=NAM12-DM6-obe.outbound.protection.outlook.com;',
  ' pr=C',
  'Received: from NAM12-DM6-obe.outbound.protection.outlook.com (40.107.243.50) by',
  ' BN2PEPF000044A0.mail.protection.outlook.com (10.167.243.151) with Microsoft SMTP',
  ' Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id',
  ' 15.20.8158.14 via Frontend Transport; Wed, 18 Nov 2026 09:14:25 +0000',
  'ARC-Seal: i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none;',
  ' b=dGVzdCBzZWFsIGZvciBwYXNzYWdlIHRlc3Rz',
  'ARC-Authentication-Results: i=1; mx.microsoft.com 1; spf=pass',
  ' smtp.mailfrom=contoso.com; dmarc=pass action=none header.from=contoso.com;',
  ' dkim=pass header.d=contoso.com; arc=none',
  'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=contoso.com;',
  ' s=selector2; h=From:Date:Subject:Message-ID:Content-Type:MIME-Version;',
  ' bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=; b=c2lnbmF0dXJl',
  'Received: from CH3PR10MB7329.namprd10.prod.outlook.com (2603:10b6:610:12c::16)',
  ' by SA1PR10MB5824.namprd10.prod.outlook.com (2603:10b6:806:23f::10) with',
  ' Microsoft SMTP Server (version=TLS1_2,',
  ' cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.17; Wed, 18 Nov',
  ' 2026 09:14:24 +0000',
  'From: Megan Bowen <megan.bowen@contoso.com>',
  'To: Alex Wilber <alex.wilber@fabrikam.com>',
  'Subject: Q4 partner review',
  'Date: Wed, 18 Nov 2026 09:14:22 +0000',
  'Message-ID: <CH3PR10MB7329A1B2C3D4E5F6@CH3PR10MB7329.namprd10.prod.outlook.com>',
  'Content-Type: multipart/alternative;',
  '\tboundary="_000_CH3PR10MB7329A1B2_"',
  'MIME-Version: 1.0',
  'X-MS-Exchange-Organization-ExpirationStartTime: 18 Nov 2026 09:14:25.9012 (UTC)',
  'X-MS-Exchange-Organization-Network-Message-Id: 0c1d2e3f-4a5b-46c7-8d9e-08dd0b2c3d4e',
  'X-EOPAttributedMessage: 0',
  `X-EOPTenantAttributedMessage: ${TENANT_ID}:0`,
  'X-MS-Exchange-Organization-MessageDirectionality: Incoming',
  'X-MS-Exchange-Transport-CrossTenantHeadersStripped: BN2PEPF000044A0.namprd02.prod.outlook.com',
  'X-MS-Exchange-Transport-CrossTenantHeadersPromoted: BN2PEPF000044A0.namprd02.prod.outlook.com',
  'X-MS-PublicTrafficType: Email',
  'X-MS-TrafficTypeDiagnostic: CH3PR10MB7329:EE_|SA1PR10MB5824:EE_|BN2PEPF000044A0:EE_|SA1PR11MB8394:EE_',
  'X-MS-Exchange-AtpMessageProperties: SA|SL',
  'X-Microsoft-Antispam-Untrusted: BCL:0;ARA:13230040|366016|1800799024|376014;',
  'X-Forefront-Antispam-Report-Untrusted: CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;',
  ' H:CH3PR10MB7329.namprd10.prod.outlook.com;PTR:;CAT:NONE;SFS:(13230040)(366016)(1800799024)(376014);',
  ' DIR:OUT;SFP:1102;',
  'X-MS-Exchange-Organization-AuthSource: BN2PEPF000044A0.namprd02.prod.outlook.com',
  'X-MS-Exchange-Organization-AuthAs: Anonymous',
  'X-MS-Exchange-Organization-SCL: 1',
  'X-Microsoft-Antispam: BCL:0;ARA:13230040|82310400026|1800799024;',
  'X-Forefront-Antispam-Report: CIP:40.107.243.50;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;',
  ' H:NAM12-DM6-obe.outbound.protection.outlook.com;PTR:mail-dm6nam12on2050.outbound.protection.outlook.com;',
  ' CAT:NONE;SFS:(13230040)(82310400026)(1800799024);DIR:INB;',
  'X-MS-Exchange-CrossTenant-OriginalArrivalTime: 18 Nov 2026 09:14:25.8480 (UTC)',
  `X-MS-Exchange-CrossTenant-Id: ${TENANT_ID}`,
  'X-MS-Exchange-CrossTenant-AuthSource: BN2PEPF000044A0.namprd02.prod.outlook.com',
  'X-MS-Exchange-CrossTenant-AuthAs: Anonymous',
  'X-MS-Exchange-CrossTenant-FromEntityHeader: Internet',
  'X-MS-Exchange-Transport-CrossTenantHeadersStamped: SA1PR11MB8394',
  'X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:I;ENG:(910001)(944506478)(944626604)(920097)(930097)(3100021)(140003)(1420198);',
  '',
].join('\r\n')

/**
 * Delivered to a Google mailbox, with a forged Microsoft report and organisation SCL in the
 * original headers: there is no Microsoft hop at all.
 */
export const SAMPLE_FORGED = [
  'Delivered-To: alex.wilber@gmail.example',
  'Received: by 2002:a05:7300:5d8e:b0:14d:36a1:9f0b with SMTP id k14csp3120785dyb;',
  '        Thu, 19 Nov 2026 07:41:03 -0800 (PST)',
  'Received: from mail.bad-actor.example (mail.bad-actor.example. [203.0.113.66])',
  '        by mx.google.com with ESMTPS id a640c23a62f3a-aa5e2f0b1c9si123456766b.99.2026.11.19.07.41.02',
  '        for <alex.wilber@gmail.example>',
  '        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);',
  '        Thu, 19 Nov 2026 07:41:02 -0800 (PST)',
  'Authentication-Results: mx.google.com;',
  '       spf=pass (google.com: domain of ceo@bad-actor.example designates 203.0.113.66 as permitted sender) smtp.mailfrom=ceo@bad-actor.example;',
  '       dmarc=none header.from=bad-actor.example',
  'X-Forefront-Antispam-Report: CIP:203.0.113.66;CTRY:US;LANG:en;SCL:-1;SRV:;IPV:CAL;SFV:SKN;',
  ' H:mail.bad-actor.example;PTR:mail.bad-actor.example;CAT:NONE;SFS:;DIR:INB;',
  'X-MS-Exchange-Organization-SCL: -1',
  'X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:I;',
  'From: "Payroll" <ceo@bad-actor.example>',
  'To: alex.wilber@gmail.example',
  'Subject: Updated payroll details',
  'Date: Thu, 19 Nov 2026 15:41:01 +0000',
  'Message-ID: <f1e2d3c4@bad-actor.example>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Please update your details.',
  '',
].join('\n')

/**
 * An inbound message whose sender put its own (forged) report in the original headers; the
 * recipient's EOP stamped the real one above the inbound hop (top-down layout).
 */
export const SAMPLE_FORGED_AND_REAL = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:SPM;SFS:(13230040);DIR:INB;`,
  layout: 'top-down',
  delivery: 'ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;RF:JunkEmail;',
  original: [
    'X-Forefront-Antispam-Report: CIP:198.51.100.25;CTRY:US;LANG:en;SCL:-1;SRV:;IPV:CAL;SFV:SKI;H:x;PTR:x;CAT:NONE;DIR:INB;',
    'From: <servicedesk@phishsim-test.com>',
    `To: <${RECIPIENT}>`,
    'Subject: Test',
  ],
})

/** A Safe Links wrapped URL for the vendor's tracking domain, for Fabrikam's recipient. */
export const WRAPPED_TRACKING_LINK =
  'https://nam11.safelinks.protection.outlook.com/?url=https%3A%2F%2Ftrack.phishsim-test.com%2Fc%2F8f3a%3Fu%3Dalex%26t%3D42&data=05%7C02%7Calex.wilber%40fabrikam.com%7C9d3e2f107c4b4a55bd2108dd0a1c2b3e%7C6f1d2c3b4a5e4f608a7b9c0d1e2f3a4b%7C0%7C0%7C638675497298128000%7CUnknown%7CTWFpbGZsb3d8eyJFbXB0eU1hcGkiOnRydWUsIlYiOiIwLjAuMDAwMCIsIlAiOiJXaW4zMiIsIkFOIjoiTWFpbCIsIldUIjoyfQ%3D%3D%7C0%7C%7C%7C&sdata=Yk3l0%2B2q9d8Xx1v9m6ZcD%2F0mRr2Jt5Xk8yYk%2Bq4o%3D&reserved=0'

/** A whole .eml: anti-spam allow, with a quoted-printable HTML body of Safe Links wrapped URLs. */
export const SAMPLE_SAFE_LINKS_EML = inboundSample({
  report: `CIP:${SENDER_IP};CTRY:US;LANG:en;SCL:-1;SRV:;IPV:NLI;SFV:SKN;H:${SENDER_HOST};PTR:${SENDER_HOST};CAT:NONE;SFS:;DIR:INB;`,
  extra: ['X-MS-Exchange-AtpMessageProperties: SA|SL'],
  body: [
    '--b1_5f0a',
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<p>Your mailbox is almost full. <a href=3D"' +
      // quoted-printable: '=' becomes '=3D', long lines get soft breaks
      WRAPPED_TRACKING_LINK.replace(/=/g, '=3D').slice(0, 70) +
      '=\r\n' +
      WRAPPED_TRACKING_LINK.replace(/=/g, '=3D').slice(70) +
      '" originalsrc=3D"https://track.phishsim-test.com/c/8f3a">Upgrade now</a></p>',
    '<p><a href=3D"https://eur01.safelinks.protection.outlook.com/?url=3Dhttps%3A%2F%2Fwww.fabrikam.com%2Fhelp&amp;data=3D05%7C02%7Calex.wilber%40fabrikam.com%7C9d3e2f107c4b4a55bd2108dd0a1c2b3e%7C6f1d2c3b4a5e4f608a7b9c0d1e2f3a4b%7C0%7C0%7C638675497298128000%7CUnknown%7C%7C0%7C%7C%7C&amp;sdata=3DAbC&amp;reserved=3D0">Help</a></p>',
    '--b1_5f0a--',
    '',
  ].join('\r\n'),
})

/** Internal mail within Fabrikam: DIR:INT with SFV:SKI (the older meaning). */
export const SAMPLE_INTERNAL = [
  'Received: from DM6PR11MB4691.namprd11.prod.outlook.com (2603:10b6:5:2a6::13) by',
  ' MN2PR11MB4520.namprd11.prod.outlook.com with HTTPS; Fri, 20 Nov 2026 08:00:03',
  ' +0000',
  'Received: from MN2PR11MB4520.namprd11.prod.outlook.com (2603:10b6:208:26c::20)',
  ' by DM6PR11MB4691.namprd11.prod.outlook.com (2603:10b6:5:2a6::13) with Microsoft',
  ' SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id',
  ' 15.20.8158.21; Fri, 20 Nov 2026 08:00:02 +0000',
  'From: Megan Bowen <megan.bowen@fabrikam.com>',
  'To: Alex Wilber <alex.wilber@fabrikam.com>',
  'Subject: Lunch?',
  'X-MS-Exchange-Organization-AuthAs: Internal',
  'X-MS-Exchange-Organization-AuthMechanism: 04',
  'X-MS-Exchange-Organization-AuthSource: MN2PR11MB4520.namprd11.prod.outlook.com',
  'X-MS-Exchange-Organization-MessageDirectionality: Originating',
  'X-MS-Exchange-Organization-SCL: -1',
  'X-Forefront-Antispam-Report: CIP:255.255.255.255;CTRY:;LANG:en;SCL:-1;SRV:;IPV:NLI;SFV:SKI;H:MN2PR11MB4520.namprd11.prod.outlook.com;PTR:;CAT:NONE;SFS:;DIR:INT;',
  'X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:1;dest:I;ENG:(910001);',
  '',
].join('\r\n')

/** A consumer Outlook.com delivery: no X-Forefront-Antispam-Report. */
export const SAMPLE_CONSUMER = [
  'Received: from SN7PR19MB6813.namprd19.prod.outlook.com (::1) by',
  ' PH7PR19MB5825.namprd19.prod.outlook.com with HTTPS; Sat, 21 Nov 2026 10:11:12 +0000',
  'Received: from DM6NAM04FT049.eop-NAM04.prod.protection.outlook.com',
  ' (2a01:111:e400:7e8a::44) by SN7PR19MB6813.outlook.office365.com',
  ' (2603:10b6:806:2::30) with Microsoft SMTP Server (version=TLS1_2,',
  ' cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.21 via Frontend',
  ' Transport; Sat, 21 Nov 2026 10:11:11 +0000',
  'Authentication-Results: spf=pass (sender IP is 198.51.100.25)',
  ' smtp.mailfrom=bounce.phishsim-test.com; dkim=pass (signature was verified)',
  ' header.d=phishsim-test.com;dmarc=pass action=none',
  ' header.from=phishsim-test.com;compauth=pass reason=100',
  'Received: from mta1.phishsim-test.com (198.51.100.25) by',
  ' DM6NAM04FT049.mail.protection.outlook.com (10.13.158.189) with Microsoft SMTP',
  ' Server id 15.20.8158.14 via Frontend Transport; Sat, 21 Nov 2026 10:11:10 +0000',
  'From: <news@phishsim-test.com>',
  'To: <someone@outlook.com>',
  'X-EOPTenantAttributedMessage: 84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa:0',
  'X-MS-Exchange-Organization-SCL: 1',
  'X-MS-Exchange-Organization-PCL: 2',
  'X-Microsoft-Antispam: BCL:3;',
  'X-Microsoft-Antispam-Mailbox-Delivery: abwl:0;wl:0;pcwl:0;kl:0;dwl:0;dkl:0;rwl:0;ucf:0;jmr:0;ex:0;auth:1;dest:I;OFR:SpamFilterPass;ENG:(5062000305)(90000117);RF:NotJunk;',
  '',
].join('\r\n')
