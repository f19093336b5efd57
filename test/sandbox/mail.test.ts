import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { call, invoke } from './helpers.js'
import { cleanMessage, EOP, P2, phishMessage, tokenCache, who, TEST_CERTS } from './fixtures.js'

// The sandbox-only mail endpoints, and what a delivered message leaves in trace and quarantine.
let sb: RunningSandbox
const token = tokenCache(() => sb)

beforeAll(async () => {
  sb = await startSandbox({ certDir: TEST_CERTS })
})
afterAll(async () => {
  await sb?.close()
})

const send = async (body: unknown, tenant = P2) =>
  call(sb, `/sandbox/${tenant.id}/messages`, {
    headers: { authorization: `Bearer ${await token(tenant, who.global)}` },
    json: body,
  })

describe('sandbox mail', () => {
  it('delivers a message: 201 with each recipient’s fate and .eml links', async () => {
    const msg = {
      ...cleanMessage('alex@contoso.com'),
      recipients: ['alex@contoso.com', 'megan@contoso.com'],
    }
    const r = await send(msg)
    expect(r.status, r.text).toBe(201)
    expect(r.json).toMatchObject({
      senderAddress: 'hello@vendor.example.org',
      subject: 'Hello from a vendor',
      fromIp: '203.0.113.7',
    })
    expect(r.json.recipients).toHaveLength(2)
    expect(r.json.recipients[0]).not.toHaveProperty('headers')
    expect(r.json.recipients[0].eml).toContain(`/sandbox/${P2.id}/messages/`)
    const t = await token(P2, who.global)
    const eml = await call(sb, r.json.url, { headers: { authorization: `Bearer ${t}` } })
    expect(eml.status).toBe(200)
    expect(eml.headers['content-type']).toBe('message/rfc822')
    expect(eml.text).toMatch(/^Received: /)
    expect(eml.text).toContain('\r\nSubject: Hello from a vendor\r\n')
    expect(eml.text).toContain('\r\nTo: alex@contoso.com\r\n')
    expect(eml.text).toContain('\r\n\r\n')
    const second = await call(sb, r.json.recipients[1].eml, {
      headers: { authorization: `Bearer ${t}` },
    })
    expect(second.text).toContain('\r\nTo: megan@contoso.com\r\n')
    const list = await call(sb, `/sandbox/${P2.id}/messages`, {
      headers: { authorization: `Bearer ${t}` },
    })
    expect(list.json.value.map((m: { id: string }) => m.id)).toContain(r.json.id)
  })

  it('shows a quarantined message in trace and quarantine, and releases it', async () => {
    const r = await send(phishMessage('megan@contoso.com', 'Reset your password now'))
    expect(r.status).toBe(201)
    const copy = r.json.recipients[0]
    expect(copy).toMatchObject({ action: 'quarantine', status: 'Quarantined', released: false })
    expect(copy.quarantineIdentity).toMatch(/\\/)
    const t = await token(P2, who.global)
    const trace = await invoke(sb, t, P2.id, 'Get-MessageTraceV2', {
      SenderAddress: ['it-support@phish.example.net'],
    })
    expect(trace.status).toBe(200)
    expect(trace.json.value[0]).toMatchObject({
      RecipientAddress: 'megan@contoso.com',
      Status: 'Quarantined',
      Subject: 'Reset your password now',
    })
    const q = await invoke(sb, t, P2.id, 'Get-QuarantineMessage', {
      RecipientAddress: ['megan@contoso.com'],
    })
    expect(q.status).toBe(200)
    const item = q.json.value.find(
      (x: { Identity: string }) => x.Identity === copy.quarantineIdentity,
    )
    expect(item).toBeDefined()
    const rel = await invoke(sb, t, P2.id, 'Release-QuarantineMessage', {
      Identity: copy.quarantineIdentity,
      ReleaseToAll: true,
    })
    expect(rel.status, rel.text).toBe(200)
    const eml = await call(sb, `/sandbox/${P2.id}/messages/${r.json.id}`, {
      headers: { authorization: `Bearer ${t}` },
    })
    expect(eml.status).toBe(200)
    expect(eml.text).toContain('Reset your password now')
  })

  it('message trace: @adminapi.warnings when truncated, StartingRecipientAddress continues', async () => {
    const to = ['a1@contoso.com', 'a2@contoso.com', 'a3@contoso.com']
    const r = await send({ ...cleanMessage(to[0]!, 'Trace paging'), recipients: to })
    expect(r.status).toBe(201)
    const t = await token(P2, who.global)
    const first = await invoke(sb, t, P2.id, 'Get-MessageTraceV2', {
      Subject: 'Trace paging',
      ResultSize: 1,
    })
    expect(first.status).toBe(200)
    expect(first.json.value).toHaveLength(1)
    expect(first.json['@adminapi.warnings']?.[0]).toMatch(/StartingRecipientAddress/)
    const seen: string[] = [first.json.value[0].RecipientAddress]
    let last = first.json.value[0]
    for (let i = 0; i < 5 && seen.length < to.length; i++) {
      const next = await invoke(sb, t, P2.id, 'Get-MessageTraceV2', {
        Subject: 'Trace paging',
        ResultSize: 1,
        EndDate: last.Received,
        StartingRecipientAddress: last.RecipientAddress,
      })
      expect(next.status, next.text).toBe(200)
      last = next.json.value[0]
      seen.push(last.RecipientAddress)
    }
    expect(seen.sort()).toEqual(to)
    const wide = await invoke(sb, t, P2.id, 'Get-MessageTraceV2', {
      StartDate: '2026-01-01T00:00:00Z',
      EndDate: '2026-03-01T00:00:00Z',
    })
    expect(wide.status).toBe(400)
  })

  it('refuses bad input, unknown messages and recipients, and anonymous callers', async () => {
    const bad = await send({ connectingIp: 'nope', recipients: [] })
    expect(bad.status).toBe(400)
    expect(bad.json.error.code).toBe('BadRequest')
    expect(Array.isArray(bad.json.error.details)).toBe(true)
    const t = await token(P2, who.global)
    const missing = await call(sb, `/sandbox/${P2.id}/messages/does-not-exist`, {
      headers: { authorization: `Bearer ${t}` },
    })
    expect(missing.status).toBe(404)
    const ok = await send(cleanMessage('alex@contoso.com'))
    const wrongRecipient = await call(
      sb,
      `/sandbox/${P2.id}/messages/${ok.json.id}?recipient=nobody@contoso.com`,
      { headers: { authorization: `Bearer ${t}` } },
    )
    expect(wrongRecipient.status).toBe(404)
    const anonymous = await call(sb, `/sandbox/${P2.id}/messages`, {
      json: cleanMessage('a@contoso.com'),
    })
    expect(anonymous.status).toBe(401)
    // A message in one tenant is not visible from another.
    const other = await call(sb, `/sandbox/${EOP.id}/messages/${ok.json.id}`, {
      headers: { authorization: `Bearer ${await token(EOP, who.global)}` },
    })
    expect(other.status).toBe(404)
  })
})
