import { describe, expect, it } from 'vitest'
import { makeSnapshot } from '../model/test-fixtures.js'
import { VendorProfile } from '../vendor/profile.js'
import { resolveVendor } from '../vendor/resolve.js'
import { defaultRecipients, typicalMessages, typicalUrls } from './typical.js'

const vendor = (over: Record<string, unknown>) =>
  resolveVendor(
    VendorProfile.parse({
      id: 'v',
      name: 'Vendor',
      category: 'phishing-simulation',
      summary: 's',
      asOf: '2026-11-01',
      sources: [{ title: 't' }],
      sending: {
        ips: ['167.89.10.20', '167.89.12.0/24'],
        envelopeDomains: ['sim.vendor-sample.com'],
        linkDomains: ['click.vendor-sample.com'],
      },
      ...over,
    }),
    {},
  )

describe('typicalMessages', () => {
  it('sends one message per source, from the vendor domain, with its tracking links', () => {
    const msgs = typicalMessages(vendor({}), makeSnapshot())
    expect(msgs.map((m) => m.message.connectingIp)).toEqual(['167.89.10.20', '167.89.12.1'])
    expect(msgs[0]?.message).toMatchObject({
      mailFrom: 'bounces@sim.vendor-sample.com',
      urls: ['https://click.vendor-sample.com/t/passage-test?id=passage'],
      detections: ['phish'],
    })
  })

  it('routes through the MX gateway, with the vendor as the true source', () => {
    const s = makeSnapshot({
      mx: { route: 'gateway', gateway: 'Mimecast', hosts: [], ips: ['195.130.217.0/24'] },
    })
    const [m] = typicalMessages(vendor({}), s)
    expect(m?.message).toMatchObject({
      connectingIp: '195.130.217.1',
      hops: ['195.130.217.1', '167.89.10.20'],
    })
  })

  it('has a relay hand back an outside sender that fails SPF, as a spoof', () => {
    const [m] = typicalMessages(vendor({ category: 'inbound-relay' }), makeSnapshot())
    expect(m?.message.headerFrom).toBe('news@partner.example.org')
    expect(m?.message.auth).toMatchObject({ spf: 'fail', dmarc: 'fail' })
    expect(m?.message.detections).toEqual(['spoof', 'spam'])
  })

  it('has no messages for a gateway the MX does not point at, and caps the sources', () => {
    expect(typicalMessages(vendor({ category: 'gateway-mx' }), makeSnapshot())).toEqual([])
    const many = vendor({ sending: { ips: Array.from({ length: 20 }, (_, i) => `167.89.${i}.9`) } })
    expect(typicalMessages(many, makeSnapshot(), { maxSources: 3 })).toHaveLength(3)
  })

  it('takes detections and recipients from the caller', () => {
    const [m] = typicalMessages(vendor({}), makeSnapshot(), {
      detections: ['malware'],
      recipients: ['x@fabrikam.com'],
    })
    expect(m?.message).toMatchObject({ detections: ['malware'], recipients: ['x@fabrikam.com'] })
  })
})

describe('defaultRecipients', () => {
  it('picks a preset-covered member and an ordinary user', () => {
    const s = makeSnapshot({
      presets: [
        {
          Name: 'Standard Preset Security Policy',
          Preset: 'Standard',
          Kind: 'EOP',
          State: 'Enabled',
          Priority: 1,
          SentToMemberOf: ['finance@fabrikam.com'],
        },
      ],
      directory: {
        groups: [
          { address: 'finance@fabrikam.com', members: ['megan@fabrikam.com'] },
          { address: 'sales@fabrikam.com', members: ['alex@fabrikam.com'] },
        ],
      },
    })
    expect(defaultRecipients(s)).toEqual(['megan@fabrikam.com', 'alex@fabrikam.com'])
    expect(defaultRecipients(makeSnapshot())).toEqual(['adele@fabrikam.com'])
  })
})

describe('typical links', () => {
  it('simulate.link-shapes: uses the vendor link shapes, with a path and a query, never a bare host', () => {
    // ContactMonkey's shapes (its catalog profile's linkPaths).
    const cm = vendor({
      sending: {
        ips: ['167.89.10.20'],
        linkDomains: ['contactmonkey.com', 'daer.contactmonkey.org'],
      },
      linkPaths: [
        '/api/v1/tracker?cid=passage-test&uid=passage',
        '/read?cid=passage-test&uid=passage',
      ],
    })
    const urls = typicalUrls(cm)
    expect(urls).toContain('https://contactmonkey.com/api/v1/tracker?cid=passage-test&uid=passage')
    expect(urls).toContain('https://daer.contactmonkey.org/read?cid=passage-test&uid=passage')
    for (const u of urls) {
      const url = new URL(u)
      expect(url.pathname.length, u).toBeGreaterThan(1)
      expect(url.search.length, u).toBeGreaterThan(1)
    }
  })

  it('gives a vendor with no published link shape a generic tracking path', () => {
    expect(typicalUrls(vendor({}))).toEqual([
      'https://click.vendor-sample.com/t/passage-test?id=passage',
    ])
  })
})
