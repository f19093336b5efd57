import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CmdletCall } from '../core/cmdlet.js'
import { PassageError } from '../core/errors/index.js'
import { TenantSnapshot } from '../core/model/snapshot.js'
import type { Session } from './session.js'
import { chooseVendor } from './vendor-choice.js'
import {
  authenticatedVendorDomain,
  isVendorMail,
  quarantineType,
  testDelivery,
  traceWindows,
  type ReleaseAssessment,
} from './test-delivery.js'

describe('message trace windows', () => {
  it('splits a span into windows of at most 10 days', () => {
    const start = new Date('2026-11-01T00:00:00Z')
    const w = traceWindows(start, new Date('2026-11-25T00:00:00Z'))
    expect(w.map((x) => x.start.toISOString().slice(0, 10))).toEqual([
      '2026-11-01',
      '2026-11-11',
      '2026-11-21',
    ])
    expect(w.at(-1)?.end.toISOString().slice(0, 10)).toBe('2026-11-25')
  })
})

describe('vendor mail', () => {
  it('matches the vendor by sending IP or domain', () => {
    const v = chooseVendor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' })
    expect(isVendorMail(v, 'news@contoso.com', '167.89.10.20')).toBe(true)
    expect(isVendorMail(v, 'news@contoso.com', '203.0.113.9')).toBe(false)
  })
})

/* ---- quarantine release (review item 1) ---- */

const SNAPSHOT = TenantSnapshot.parse(
  JSON.parse(readFileSync(new URL('../../examples/eop-only.json', import.meta.url), 'utf8')),
)
const KB4 = () => chooseVendor('knowbe4', { simulationDomains: 'securitytests.example.net' })
const KB4_IP = '23.21.109.197'
const RECEIVED = new Date(Date.now() - 3_600_000).toISOString()

/** What Microsoft 365 stamps on the recipient's copy (topmost), with a given SPF result. */
const msHeaders = (spf: string, mailFrom: string, extra = '') =>
  [
    `Authentication-Results: spf=${spf} (sender IP is ${KB4_IP}) smtp.mailfrom=${mailFrom}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=${mailFrom};compauth=pass reason=100`,
    extra,
    `From: it@${mailFrom}`,
    'Subject: test',
  ]
    .filter(Boolean)
    .join('\r\n')

interface FakeMessage {
  id: string
  sender: string
  ip: string
  type: string
  headers: string | null
}

/** A session whose admin API answers from a fixed trace, quarantine and header set. */
function fakeSession(msgs: FakeMessage[]) {
  const released: string[] = []
  const calls: string[] = []
  const exo = {
    invokeCommand: async (c: CmdletCall) => {
      calls.push(c.cmdlet)
      switch (c.cmdlet) {
        case 'Get-MessageTraceV2':
          return msgs.map((m) => ({
            MessageId: `<${m.id}@x>`,
            Received: RECEIVED,
            SenderAddress: m.sender,
            RecipientAddress: 'user@fabrikam.com',
            Subject: m.id,
            Status: 'Quarantined',
            FromIP: m.ip,
          }))
        case 'Get-QuarantineMessage':
          return msgs.map((m) => ({
            Identity: `q-${m.id}`,
            MessageId: `<${m.id}@x>`,
            RecipientAddress: ['user@fabrikam.com'],
            Type: m.type,
            PolicyName: 'DefaultFullAccessPolicy',
          }))
        case 'Get-QuarantineMessageHeader': {
          const m = msgs.find((x) => `q-${x.id}` === c.params.Identity)
          if (!m?.headers) throw new PassageError('PASSAGE_E_EXO_FAILED', 'not found')
          return [{ Identity: c.params.Identity, Header: m.headers }]
        }
        case 'Release-QuarantineMessage':
          released.push(String(c.params.Identity))
          return []
        default:
          throw new Error(`unexpected ${c.cmdlet}`)
      }
    },
  }
  return { session: { exo } as unknown as Session, released, calls }
}

const MIXED: FakeMessage[] = [
  // Genuine: KnowBe4's IP and SPF pass for its simulation domain, a spam quarantine.
  {
    id: 'good',
    sender: 'it@securitytests.example.net',
    ip: KB4_IP,
    type: 'Spam',
    headers: msHeaders('pass', 'securitytests.example.net'),
  },
  {
    id: 'malware',
    sender: 'it@securitytests.example.net',
    ip: KB4_IP,
    type: 'Malware',
    headers: msHeaders('pass', 'securitytests.example.net'),
  },
  {
    id: 'hcphish',
    sender: 'it@securitytests.example.net',
    ip: KB4_IP,
    type: 'High Confidence Phish',
    headers: msHeaders('pass', 'securitytests.example.net'),
  },
  // Forged envelope domain from somewhere else.
  {
    id: 'forged',
    sender: 'it@securitytests.example.net',
    ip: '198.51.100.7',
    type: 'Spam',
    headers: msHeaders('fail', 'securitytests.example.net'),
  },
  // The vendor's (shared cloud) IP, but another domain that authenticates.
  {
    id: 'shared-ip',
    sender: 'x@attacker.example',
    ip: KB4_IP,
    type: 'Phish',
    headers: msHeaders('pass', 'attacker.example'),
  },
  // The vendor's IP, SPF fails at Microsoft; a pass added lower down by the sender is ignored.
  {
    id: 'planted',
    sender: 'it@securitytests.example.net',
    ip: KB4_IP,
    type: 'Spam',
    headers: msHeaders(
      'fail',
      'securitytests.example.net',
      'Authentication-Results: spf=pass smtp.mailfrom=securitytests.example.net; compauth=pass reason=100',
    ),
  },
  // Headers unreadable: authentication unknown.
  {
    id: 'noheaders',
    sender: 'it@securitytests.example.net',
    ip: KB4_IP,
    type: 'Bulk',
    headers: null,
  },
]

describe('client.quarantine-release', () => {
  it('client.quarantine-release: releases only vendor-IP AND authenticated-domain spam/bulk/phish, after confirmation', async () => {
    const { session, released } = fakeSession(MIXED)
    let asked: ReleaseAssessment | null = null
    const r = await testDelivery(session, KB4(), SNAPSHOT, {
      release: true,
      confirmRelease: async (a) => {
        asked = a
        return true
      },
    })
    expect(released).toEqual(['q-good'])
    expect(r.released).toBe(1)
    expect(asked!.release.map((i) => i.identity)).toEqual(['q-good'])
    expect(r.release?.released.map((i) => i.identity)).toEqual(['q-good'])
    expect(r.release?.released[0]?.reason).toMatch(/spf=pass for securitytests\.example\.net/)
    const why = Object.fromEntries(r.release!.skipped.map((i) => [i.identity, i.reason]))
    expect(Object.keys(why).sort()).toEqual(
      ['q-forged', 'q-hcphish', 'q-malware', 'q-noheaders', 'q-planted', 'q-shared-ip'].sort(),
    )
    expect(why['q-malware']).toMatch(/malware/)
    expect(why['q-hcphish']).toMatch(/high-confidence phish/)
    expect(why['q-forged']).toMatch(/not one of KnowBe4's sending IPs/)
    expect(why['q-shared-ip']).toMatch(/no authentication pass/)
    expect(why['q-planted']).toMatch(/no authentication pass/)
    expect(why['q-noheaders']).toMatch(/authentication unknown/)
    expect(r.messages.find((m) => m.subject === 'malware')?.fate).toBe('quarantine')
  })

  it('client.quarantine-release: releases nothing when the release is not confirmed', async () => {
    const { session, released } = fakeSession(MIXED)
    const declined = await testDelivery(session, KB4(), SNAPSHOT, {
      release: true,
      confirmRelease: async () => false,
    })
    expect(released).toEqual([])
    expect(declined.released).toBe(0)
    expect(declined.release?.skipped.find((i) => i.identity === 'q-good')?.reason).toMatch(
      /not confirmed/,
    )
    const unasked = await testDelivery(fakeSession(MIXED).session, KB4(), SNAPSHOT, {
      release: true,
    })
    expect(unasked.released).toBe(0)
  })

  it('client.quarantine-release: never asks for headers of malware or of mail from other IPs', async () => {
    const { session, calls } = fakeSession(
      MIXED.filter((m) => m.id === 'malware' || m.id === 'forged'),
    )
    await testDelivery(session, KB4(), SNAPSHOT, {
      release: true,
      confirmRelease: async () => true,
    })
    expect(calls).not.toContain('Get-QuarantineMessageHeader')
    expect(calls).not.toContain('Release-QuarantineMessage')
  })

  it('reads quarantine types from either QuarantineTypes or the display Type', () => {
    expect(quarantineType('High Confidence Phish')).toBe('HighConfPhish')
    expect(quarantineType('HighConfPhish')).toBe('HighConfPhish')
    expect(quarantineType('Transport Rule')).toBe('TransportRule')
    expect(quarantineType('Malware')).toBe('Malware')
  })

  it('takes the authentication Microsoft 365 stamped, not one the sender wrote', () => {
    const v = KB4()
    expect(authenticatedVendorDomain(v, msHeaders('pass', 'securitytests.example.net')).ok).toBe(
      true,
    )
    expect(
      authenticatedVendorDomain(
        v,
        'Authentication-Results: spf=pass smtp.mailfrom=securitytests.example.net\r\nSubject: x',
      ).ok,
    ).toBe(false)
  })
})

describe('test --headers', () => {
  it('carries the message’s path as its headers tell it, the deciding stage named', async () => {
    const { session } = fakeSession([])
    const headers = readFileSync(
      join(import.meta.dirname, '..', '..', 'examples', 'headers', 'junked-spam.eml'),
      'utf8',
    )
    const r = await testDelivery(session, KB4(), SNAPSHOT, { headers })
    const j = r.headers?.journey
    expect(j?.basis).toBe('headers')
    expect(j?.stages.map((s) => s.id)).toEqual([
      'connection-filter',
      'anti-malware',
      'mail-flow-rules',
      'anti-spam',
      'anti-phishing',
      'safe-attachments',
      'safe-links',
      'delivery',
      'zap',
    ])
    // Junked by anti-spam, as the analyzer says.
    expect(j?.placement).toBe('junk')
    expect(j?.decidedBy).toBe('anti-spam')
    expect(r.headers?.verdict).toBeTruthy()
  })
})
