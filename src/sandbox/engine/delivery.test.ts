import { describe, expect, it } from 'vitest'
import { deliverMessage } from '../mail/index.js'
import type { SandboxTenant } from '../contracts.js'
import { fail, NOW, ok, sandbox } from './test-helpers.js'

const HOUR = 60 * 60 * 1000

function send(
  tenant: SandboxTenant,
  detection: string,
  opts: { at?: Date; to?: string[]; subject?: string } = {},
) {
  let n = 0
  return deliverMessage(
    tenant,
    {
      connectingIp: '198.51.100.7',
      mailFrom: 'promo@spammy.example',
      headerFrom: 'promo@spammy.example',
      auth: { spf: 'fail', dkim: 'none', dmarc: 'none' },
      recipients: opts.to ?? ['alice@fabrikam.com'],
      subject: opts.subject ?? 'Cheap watches',
      detections: [detection],
    },
    opts.at ?? NOW,
    () => `${(opts.at ?? NOW).getTime().toString(16)}-${detection}-${n++}`,
  )
}

describe('test mail in the EOP tenant', () => {
  it('junks plain spam from an unknown IP and shows it in message trace', () => {
    const { eop, call } = sandbox()
    const m = send(eop, 'spam')
    expect(m.recipients[0]).toMatchObject({
      action: 'junk',
      status: 'FilteredAsSpam',
      quarantineIdentity: null,
    })
    const trace = ok(call(eop, 'Get-MessageTraceV2', {}, 'reader', new Date(NOW.getTime() + HOUR)))
    expect(trace).toHaveLength(1)
    expect(trace[0]).toMatchObject({
      Status: 'FilteredAsSpam',
      RecipientAddress: 'alice@fabrikam.com',
      SenderAddress: 'promo@spammy.example',
      FromIP: '198.51.100.7',
      MessageTraceId: m.id,
    })
    expect(ok(call(eop, 'Get-QuarantineMessage'))).toEqual([])
  })

  it('quarantines high-confidence phish, lists it, and releases it', () => {
    const { eop, call } = sandbox()
    const m = send(eop, 'high-confidence-phish')
    const d = m.recipients[0]
    expect(d).toMatchObject({
      action: 'quarantine',
      status: 'Quarantined',
      quarantineType: 'HighConfPhish',
    })
    expect(d?.quarantineIdentity).toMatch(/\\/)
    expect(ok(call(eop, 'Get-MessageTraceV2', { Status: ['Quarantined'] }))).toHaveLength(1)
    const q = ok(call(eop, 'Get-QuarantineMessage', { QuarantineTypes: ['HighConfPhish'] }))
    expect(q[0]).toMatchObject({
      Identity: d?.quarantineIdentity,
      ReleaseStatus: 'NOTRELEASED',
      PolicyName: 'AdminOnlyAccessPolicy',
    })
    expect(
      fail(call(eop, 'Release-QuarantineMessage', { Identity: d?.quarantineIdentity }, 'admin'))
        .text,
    ).toMatch(/Parameter set cannot be resolved/)
    expect(
      fail(
        call(
          eop,
          'Release-QuarantineMessage',
          { Identity: d?.quarantineIdentity, ReleaseToAll: true },
          'reader',
        ),
      ).status,
    ).toBe(401)
    ok(
      call(
        eop,
        'Release-QuarantineMessage',
        { Identity: d?.quarantineIdentity, ReleaseToAll: true },
        'security',
      ),
    )
    expect(eop.mail.messages[0]?.recipients[0]?.released).toBe(true)
    expect(
      ok(call(eop, 'Get-QuarantineMessage', { Identity: d?.quarantineIdentity }))[0]?.ReleaseStatus,
    ).toBe('RELEASED')
    expect(
      fail(
        call(eop, 'Release-QuarantineMessage', {
          Identity: d?.quarantineIdentity,
          ReleaseToAll: true,
        }),
      ).text,
    ).toMatch(/already been released/)
    ok(
      call(eop, 'Release-QuarantineMessage', {
        Identity: d?.quarantineIdentity,
        ReleaseToAll: true,
        Force: true,
      }),
    )
    expect(
      fail(call(eop, 'Release-QuarantineMessage', { Identity: 'nope\\nope', ReleaseToAll: true }))
        .exId,
    ).toBe('Ex6F9304')
  })

  it('releases nothing when one of several identities is unknown', () => {
    const { eop, call } = sandbox()
    const id = send(eop, 'malware').recipients[0]?.quarantineIdentity
    const before = structuredClone(eop.mail)
    const f = fail(
      call(eop, 'Release-QuarantineMessage', {
        Identity: '000',
        Identities: [id, 'x\\y'],
        ReleaseToAll: true,
      }),
    )
    expect(f.text).toMatch(/object 'x\\y'/)
    expect(eop.mail).toEqual(before)
  })

  it('pages quarantine with Page and PageSize, newest first', () => {
    const { eop, call } = sandbox()
    for (let i = 0; i < 5; i++)
      send(eop, 'malware', { at: new Date(NOW.getTime() - i * HOUR), subject: `m${i}` })
    const page = (n: number) =>
      ok(call(eop, 'Get-QuarantineMessage', { Page: n, PageSize: 2 })).map((r) => r.Subject)
    expect(page(1)).toEqual(['m0', 'm1'])
    expect(page(2)).toEqual(['m2', 'm3'])
    expect(page(3)).toEqual(['m4'])
    expect(page(4)).toEqual([])
    expect(fail(call(eop, 'Get-QuarantineMessage', { PageSize: 1001 })).text).toMatch(
      /maximum allowed range of 1000/,
    )
    expect(ok(call(eop, 'Get-QuarantineMessage', { SenderAddress: ['other@x.example'] }))).toEqual(
      [],
    )
    expect(
      ok(
        call(eop, 'Get-QuarantineMessage', {
          StartReceivedDate: new Date(NOW.getTime() - 90 * 60 * 1000).toISOString(),
        }),
      ),
    ).toHaveLength(2)
    expect(
      fail(call(eop, 'Get-QuarantineMessage', { StartReceivedDate: '2026-10-01T00:00:00Z' })).text,
    ).toMatch(/30 days/)
  })

  it('drops expired quarantine copies', () => {
    const { eop, call } = sandbox()
    send(eop, 'malware')
    const later = new Date(NOW.getTime() + 31 * 24 * HOUR)
    expect(ok(call(eop, 'Get-QuarantineMessage', {}, 'admin', later))).toEqual([])
  })
})

describe('Get-MessageTraceV2', () => {
  it('defaults to the last 48 hours and refuses windows over 10 days or older than 90', () => {
    const { eop, call } = sandbox()
    send(eop, 'none', { at: new Date(NOW.getTime() - 47 * HOUR), subject: 'recent' })
    send(eop, 'none', { at: new Date(NOW.getTime() - 49 * HOUR), subject: 'older' })
    expect(ok(call(eop, 'Get-MessageTraceV2')).map((r) => r.Subject)).toEqual(['recent'])
    expect(
      ok(
        call(eop, 'Get-MessageTraceV2', {
          StartDate: new Date(NOW.getTime() - 72 * HOUR).toISOString(),
          EndDate: NOW.toISOString(),
        }),
      ),
    ).toHaveLength(2)
    expect(
      fail(
        call(eop, 'Get-MessageTraceV2', {
          StartDate: '2026-11-01T00:00:00Z',
          EndDate: '2026-11-12T00:00:00Z',
        }),
      ).text,
    ).toMatch(/more than 10 days/)
    expect(
      fail(
        call(eop, 'Get-MessageTraceV2', {
          StartDate: '2026-08-01T00:00:00Z',
          EndDate: '2026-08-05T00:00:00Z',
        }),
      ).text,
    ).toMatch(/90 days/)
    expect(
      fail(
        call(eop, 'Get-MessageTraceV2', {
          StartDate: '2026-11-20T00:00:00Z',
          EndDate: '2026-11-19T00:00:00Z',
        }),
      ).text,
    ).toMatch(/earlier than the EndDate/)
    expect(fail(call(eop, 'Get-MessageTraceV2', { ResultSize: 5001 })).text).toMatch(
      /maximum allowed range of 5000/,
    )
  })

  it('filters by sender, recipient, status and subject', () => {
    const { eop, call } = sandbox()
    send(eop, 'spam', { to: ['alice@fabrikam.com', 'bob@fabrikam.com'], subject: 'Weekly news' })
    expect(
      ok(call(eop, 'Get-MessageTraceV2', { RecipientAddress: ['BOB@fabrikam.com'] })),
    ).toHaveLength(1)
    expect(
      ok(
        call(eop, 'Get-MessageTraceV2', {
          SenderAddress: ['promo@spammy.example'],
          Status: ['Delivered'],
        }),
      ),
    ).toEqual([])
    expect(
      ok(call(eop, 'Get-MessageTraceV2', { Subject: 'weekly', SubjectFilterType: 'StartsWith' })),
    ).toHaveLength(2)
    expect(fail(call(eop, 'Get-MessageTraceV2', { Status: ['Lost'] })).text).toMatch(
      /enumerator names/,
    )
  })

  it('truncates at ResultSize with a warning, and continues from StartingRecipientAddress', () => {
    const { eop, call } = sandbox()
    send(eop, 'none', { to: ['a@fabrikam.com', 'b@fabrikam.com', 'c@fabrikam.com'], at: NOW })
    send(eop, 'none', { to: ['d@fabrikam.com'], at: new Date(NOW.getTime() - HOUR) })
    const first = call(eop, 'Get-MessageTraceV2', { ResultSize: 2 })
    expect(ok(first).map((r) => r.RecipientAddress)).toEqual(['a@fabrikam.com', 'b@fabrikam.com'])
    expect(first.ok && first.warnings[0]).toMatch(
      /There are more results.*-StartingRecipientAddress "b@fabrikam.com"/,
    )
    const next = ok(
      call(eop, 'Get-MessageTraceV2', {
        StartingRecipientAddress: 'b@fabrikam.com',
        EndDate: NOW.toISOString(),
        StartDate: new Date(NOW.getTime() - 48 * HOUR).toISOString(),
        ResultSize: 2,
      }),
    )
    expect(next.map((r) => r.RecipientAddress)).toEqual(['c@fabrikam.com', 'd@fabrikam.com'])
  })
})
