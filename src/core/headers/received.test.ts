import { describe, expect, it } from 'vitest'
import {
  ipInText,
  isEopHost,
  isMicrosoftHost,
  parseReceived,
  parseReceivedHop,
} from './received.js'

describe('parseReceived', () => {
  it('parses the EOP inbound hop', () => {
    const h = parseReceived(
      'from mta1.example.com (198.51.100.25) by BN8NAM11FT058.mail.protection.outlook.com (10.13.177.79) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8158.14 via Frontend Transport; Tue, 17 Nov 2026 14:02:09 +0000',
      4,
    )
    expect(h).toMatchObject({
      index: 4,
      from: 'mta1.example.com',
      fromIp: '198.51.100.25',
      by: 'BN8NAM11FT058.mail.protection.outlook.com',
      byIp: '10.13.177.79',
      id: '15.20.8158.14',
      date: 'Tue, 17 Nov 2026 14:02:09 +0000',
      byMicrosoft: true,
      byEop: true,
      fromMicrosoft: false,
    })
    expect(h.with).toMatch(/^Microsoft SMTP Server/)
    expect(h.via).toBe('Frontend Transport')
  })

  it('parses Postfix and Gmail forms and IPv6 comments', () => {
    const p = parseReceived(
      'from mail.example.com (mail.example.com [192.0.2.7]) by mx.google.com with ESMTPS id abc for <a@b.example> (version=TLS1_3); Thu, 19 Nov 2026 07:41:02 -0800 (PST)',
    )
    expect(p).toMatchObject({
      from: 'mail.example.com',
      fromIp: '192.0.2.7',
      by: 'mx.google.com',
      for: 'a@b.example',
    })
    const g = parseReceived(
      'by 2002:a05:7300:5d8e:b0:14d:36a1:9f0b with SMTP id k14csp; Thu, 19 Nov 2026',
    )
    expect(g.from).toBeNull()
    expect(g.by).toBe('2002:a05:7300:5d8e:b0:14d:36a1:9f0b')
    const v6 = parseReceived(
      'from X.namprd11.prod.outlook.com (2603:10b6:510:14a::10) by Y.namprd11.prod.outlook.com with HTTPS',
    )
    expect(v6.fromIp).toBe('2603:10b6:510:14a::10')
    expect(v6.fromMicrosoft).toBe(true)
    expect(v6.byEop).toBe(false)
  })

  it('tells EOP front ends from other Microsoft hosts', () => {
    expect(isEopHost('DM6NAM12FT034.eop-nam12.prod.protection.outlook.com')).toBe(true)
    expect(isEopHost('x.mail.protection.outlook.com.')).toBe(true)
    expect(isEopHost('gcc.mail.protection.office365.us')).toBe(true)
    expect(isEopHost('NAM12-DM6-obe.outbound.protection.outlook.com')).toBe(false)
    expect(isEopHost('BN9PR03CA0517.outlook.office365.com')).toBe(false)
    expect(isEopHost('protection.outlook.com.evil.example')).toBe(false)
    expect(isMicrosoftHost('BN9PR03CA0517.outlook.office365.com')).toBe(true)
    expect(isMicrosoftHost('mx.google.com')).toBe(false)
    expect(isMicrosoftHost(null)).toBe(false)
  })

  it('never throws on junk', () => {
    for (const s of ['', ';', '((((', 'from', 'by ) ) (', 'from (1.2.3.4 by ['])
      expect(() => parseReceived(s)).not.toThrow()
    expect(ipInText('no ip here 1.2.3')).toBeNull()
    expect(ipInText('[IPv6:2001:db8::1]')).toBe('2001:db8::1')
  })
})

describe("parseReceivedHop (the analyzer's hop: display-only parts parsed when first read)", () => {
  const values = [
    'from mta1.example.com (198.51.100.25) by BN8NAM11FT058.mail.protection.outlook.com (10.13.177.79) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8158.14 via Frontend Transport; Tue, 17 Nov 2026 14:02:09 +0000',
    'from mail.example.com (mail.example.com [192.0.2.7]) by mx.google.com with ESMTPS id abc for <A@B.example> (version=TLS1_3); Thu, 19 Nov 2026 07:41:02 -0800 (PST)',
    'by 2002:a05:7300:5d8e:b0:14d:36a1:9f0b with SMTP id k14csp; Thu, 19 Nov 2026',
    'from X.namprd11.prod.outlook.com (2603:10b6:510:14a::10) by Y.namprd11.prod.outlook.com with HTTPS',
    '',
    ';',
    'by ) ) (',
    // Other clauses before the by clause (the early scan stops after the first clause past both).
    'from id 15.20.1 BY with SMTP',
    'id 15.20.1 from BY with SMTP',
    'via é from by with SMTP',
    'from ID from by for from',
    // The by clause before the from clause; a repeated from inside a later clause.
    'by mx.example.net (203.0.113.9) from relay.example.org ([198.51.100.4]) with ESMTP from x id 7; Mon, 1 Dec 2026',
    // Past the value's 200th word nothing is read, by the lazy hop as by the whole scan.
    `from a.example (192.0.2.1) by b.example (192.0.2.2) with ${'w '.repeat(196)} id past-the-cap for <x@y.example>; Mon, 1 Dec 2026`,
    `x ${'y '.repeat(10)} from a.example by b.example ${'z '.repeat(180)} with ESMTP id inside; d`,
  ]

  it('reads as parseReceived reads, every field, and serialises to the same JSON (same key order)', () => {
    for (const v of values) {
      const eager = parseReceived(v, 3)
      const lazy = parseReceivedHop(v, 3)
      for (const k of Object.keys(eager) as (keyof typeof eager)[])
        expect(lazy[k], `${k} of ${JSON.stringify(v)}`).toStrictEqual(eager[k])
      expect(JSON.stringify(lazy)).toBe(JSON.stringify(eager))
    }
  })

  it('gives the same JSON whether or not a display-only part was read first', () => {
    const v = values[0] as string
    const h = parseReceivedHop(v, 1)
    expect(h.via).toBe('Frontend Transport')
    expect(JSON.stringify(h)).toBe(JSON.stringify(parseReceived(v, 1)))
  })
})
