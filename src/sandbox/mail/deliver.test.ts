import { describe, expect, it } from 'vitest'
import { seedWorld } from '../seed/index.js'
import type { SandboxTenant } from '../contracts.js'
import { deliverMessage, MessageInputError, renderEml } from './index.js'

const NOW = new Date('2026-11-21T12:00:00Z')

function tenant(): SandboxTenant {
  const t = seedWorld().tenants[0]
  if (!t) throw new Error('seeded')
  return t
}

const ids = () => {
  let n = 0
  return () => `00000000-0000-4000-8000-${String(n++).padStart(12, '0')}`
}

const base = {
  connectingIp: '198.51.100.7',
  mailFrom: 'news@vendor.example',
  headerFrom: 'news@vendor.example',
  auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
  recipients: ['alice@fabrikam.com'],
  subject: 'Hello',
}

describe('deliverMessage', () => {
  it('records a clean message as delivered, with stamped headers in a CRLF block', () => {
    const t = tenant()
    const m = deliverMessage(t, base, NOW, ids())
    expect(t.mail.messages).toEqual([m])
    expect(m).toMatchObject({
      senderAddress: 'news@vendor.example',
      fromIp: '198.51.100.7',
      receivedAt: NOW.toISOString(),
    })
    const d = m.recipients[0]
    expect(d).toMatchObject({
      action: 'inbox',
      status: 'Delivered',
      quarantineIdentity: null,
      released: false,
    })
    expect(d?.headers).toMatch(/\r\nX-Forefront-Antispam-Report: CIP:198\.51\.100\.7;.*SFV:NSPM/)
    expect(d?.headers).toMatch(/\r\nAuthentication-Results: spf=pass/)
    expect(d?.headers.includes('\n') && !/[^\r]\n/.test(d?.headers ?? '')).toBe(true)
  })

  it('quarantines malware with an identity, a type and an expiry', () => {
    const t = tenant()
    const m = deliverMessage(t, { ...base, detections: ['malware'] }, NOW, ids())
    expect(m.recipients[0]).toMatchObject({
      action: 'quarantine',
      status: 'Quarantined',
      quarantineType: 'Malware',
      quarantineIdentity:
        '00000000-0000-4000-8000-000000000000\\00000000-0000-4000-8000-000000000001',
      expiresAt: '2026-12-21T12:00:00.000Z',
    })
  })

  it('applies the Default anti-malware policy: a blocked file type is rejected, or quarantined as FileTypeBlock', () => {
    const t = tenant()
    const exe = { ...base, attachments: ['setup.exe'], attachmentTypes: ['exe'] }
    expect(deliverMessage(t, exe, NOW, ids()).recipients[0]).toMatchObject({
      action: 'rejected',
      status: 'Failed',
      quarantineIdentity: null,
    })
    const policy = t.snapshot.state.malware.policies.find((p) => p.IsDefault)
    if (!policy) throw new Error('the seeded tenant has a Default anti-malware policy')
    policy.FileTypeAction = 'Quarantine'
    expect(deliverMessage(t, exe, NOW, ids()).recipients[0]).toMatchObject({
      action: 'quarantine',
      quarantineType: 'FileTypeBlock',
      quarantinePolicy: 'AdminOnlyAccessPolicy',
    })
  })

  it('marks a dropped or rejected copy Failed', () => {
    const t = tenant()
    t.snapshot.state.connectionFilter.IPBlockList = ['198.51.100.7']
    const m = deliverMessage(t, base, NOW, ids())
    expect(m.recipients[0]).toMatchObject({ action: 'dropped', status: 'Failed' })
    expect(m.recipients[0]?.headers).not.toMatch(/X-Forefront-Antispam-Report/)
  })

  it('refuses invalid input with MessageInputError listing the fields', () => {
    const t = tenant()
    let err: unknown
    try {
      deliverMessage(t, { ...base, connectingIp: 'not-an-ip', recipients: [] }, NOW, ids())
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(MessageInputError)
    const paths = (err as MessageInputError).issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['connectingIp', 'recipients']))
    expect(t.mail.messages).toEqual([])
  })
})

describe('renderEml', () => {
  it('renders headers, a blank line and a small body for one recipient', () => {
    const t = tenant()
    const m = deliverMessage(
      t,
      { ...base, recipients: ['alice@fabrikam.com', 'bob@fabrikam.com'] },
      NOW,
      ids(),
    )
    const eml = renderEml(m, 'BOB@fabrikam.com')
    expect(eml).toMatch(/^Received: /)
    expect(eml).toMatch(/\r\nTo: bob@fabrikam\.com\r\n/)
    expect(eml).toMatch(/\r\n\r\nThis is a passage sandbox test message\.\r\n/)
    expect(() => renderEml(m, 'carol@fabrikam.com')).toThrow(/no recipient/)
  })
})
