/**
 * The admin API writes a read's page as JSON text at once (shapes/common.ts's serializeJson,
 * admin-api.ts's runInvoke) and a `$batch` answer around its items' texts (batchResponsesJson),
 * rather than building objects for Fastify to stringify. The bytes must not change: each is
 * compared here with JSON.stringify of the object path (shapeOutput, applySelect, the body object
 * runInvoke built before), for every shaped cmdlet, for a large tenant (250 mail flow rules,
 * 1,000 allow/block entries), across pages, and for odd values.
 */
import { describe, expect, it } from 'vitest'
import type { SandboxTenant } from '../contracts.js'
import { createFaults } from '../faults/index.js'
import { NOW, ok, sandbox } from '../engine/test-helpers.js'
import { serialize, serializeJson, type PropSet } from '../engine/shapes/common.js'
import { SHAPED_CMDLETS, shapeOutput, shapeOutputJson } from '../engine/shapes/index.js'
import { runInvoke, runInvokePaced, type InvokeRequest } from './admin-api.js'
import type { ServerContext } from './context.js'
import {
  applySelect,
  batchResponsesJson,
  callHash,
  encodeSkipToken,
  frontEndError,
  jsonAnswer,
  parseSelect,
  type HttpAnswer,
} from './shapes.js'

const BASE = 'https://127.0.0.1:4443'

/** The seeded world with one tenant grown to 250 rules and 1,000 entries (as bench/apply.ts). */
function bigSandbox() {
  const sb = sandbox()
  const state = sb.p2.snapshot.state
  const model = state.transportRules.find((r) => r.State === 'Enabled')!
  for (let i = state.transportRules.length; i < 250; i++)
    state.transportRules.push({
      ...model,
      Name: `Bench rule ${i} "quoted" é ☃`,
      Guid: i % 2 ? `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` : null,
      Priority: i,
      Comments: i % 3 ? 'bench\nline' : null,
      Unmodelled: i % 5 ? [] : ['AttachmentHasExecutableContent', 'NotifySender', 'ApplyOME'],
    })
  for (let i = state.tabl.items.length; i < 1000; i++)
    state.tabl.items.push({
      Identity: `RgAAAAAbench${String(i).padStart(6, '0')}AAAA0`,
      ListType: (['Sender', 'Url', 'FileHash'] as const)[i % 3]!,
      ListSubType: 'Tenant',
      Action: 'Block',
      Value: `sender${i}.bench.example`,
      ExpirationDate: null,
      RemoveAfter: null,
      LastUsedDate: null,
      Notes: 'bench',
    })
  return sb
}

function serverContext(sb: ReturnType<typeof sandbox>): ServerContext {
  return {
    world: () => sb.world,
    engine: sb.engine,
    faults: createFaults(undefined),
    budgets: undefined as never,
    baseUrl: () => BASE,
    now: () => NOW,
    newId: () => 'id',
    verify: undefined as never,
    persist: () => {},
  }
}

/** The answer body as runInvoke built it before it wrote text: objects, then JSON.stringify. */
function objectPathBody(
  sb: ReturnType<typeof sandbox>,
  tenant: SandboxTenant,
  cmdlet: string,
  params: Record<string, unknown>,
  page: { skip: number; size: number; select?: string },
): string {
  const all = ok(sb.call(tenant, cmdlet, params))
  const base = `${BASE}/adminapi/beta/${tenant.snapshot.tenant.id}`
  const shaped = shapeOutput(cmdlet, all.slice(page.skip, page.skip + page.size), {
    tenantName: tenant.snapshot.tenant.name,
    tenantId: tenant.snapshot.tenant.id,
    now: NOW,
  })
  const select = parseSelect(page.select)
  const body: Record<string, unknown> = {
    '@odata.context': `${base}/$metadata#Collection(Exchange.GenericHashTable)`,
    value: shaped.map((o) => applySelect(o, select)),
  }
  if (page.skip + page.size < all.length) {
    const q = new URLSearchParams()
    if (page.select) q.set('$select', page.select)
    q.set('$skiptoken', encodeSkipToken(page.skip + page.size, callHash(cmdlet, params)))
    body['@odata.nextLink'] = `${base}/InvokeCommand?${q.toString()}`
  }
  return JSON.stringify(body)
}

function invoke(
  sb: ReturnType<typeof sandbox>,
  tenant: SandboxTenant,
  cmdlet: string,
  params: Record<string, unknown>,
  page: { skip: number; size: number; select?: string },
): HttpAnswer {
  return runInvoke(serverContext(sb), invokeRequest(sb, tenant, cmdlet, params, page))
}

function invokeRequest(
  sb: ReturnType<typeof sandbox>,
  tenant: SandboxTenant,
  cmdlet: string,
  params: Record<string, unknown>,
  page: { skip: number; size: number; select?: string },
): InvokeRequest {
  return {
    version: 'beta',
    tenantKey: tenant.snapshot.tenant.id,
    tenant,
    caller: sb.caller(tenant),
    body: { CmdletInput: { CmdletName: cmdlet, Parameters: params } },
    select: page.select,
    skipToken: page.skip ? encodeSkipToken(page.skip, callHash(cmdlet, params)) : undefined,
    prefer: `odata.maxpagesize=${page.size}`,
  }
}

/** What Fastify sends for an answer: its text, or JSON.stringify of its body. */
const wire = (a: HttpAnswer) => a.json ?? JSON.stringify(a.body)

describe('reads written as JSON text: the same bytes as the objects stringified', () => {
  it('every shaped cmdlet, on every seeded tenant: shapeOutputJson is JSON.stringify of shapeOutput', () => {
    const sb = bigSandbox()
    for (const tenant of sb.world.tenants)
      for (const cmdlet of SHAPED_CMDLETS) {
        const outcome = sb.call(tenant, cmdlet)
        if (!outcome.ok) continue
        const ctx = {
          tenantName: tenant.snapshot.tenant.name,
          tenantId: tenant.snapshot.tenant.id,
          now: NOW,
        }
        const texts = shapeOutputJson(cmdlet, outcome.value, ctx)
        expect(texts, cmdlet).not.toBeNull()
        expect(`[${texts!.join(',')}]`, `${cmdlet} in ${tenant.snapshot.tenant.name}`).toBe(
          JSON.stringify(shapeOutput(cmdlet, outcome.value, ctx)),
        )
      }
  })

  it('a cmdlet without a recorded shape has no text path (its objects pass through)', () => {
    const sb = sandbox()
    const ctx = { tenantName: 'x.onmicrosoft.com', tenantId: 'x', now: NOW }
    expect(shapeOutputJson('Get-TenantAllowBlockListItems', [{ a: 1 }], ctx)).toBeNull()
    expect(ok(sb.call(sb.p2, 'Get-AcceptedDomain')).length).toBeGreaterThan(0)
  })

  it('serializeJson writes odd values as JSON.stringify does (left out, null, escaped, toJSON)', () => {
    const props: PropSet = {
      Name: 'string',
      Text: 'text',
      Flag: 'bool',
      Count: 'int',
      Items: 'list',
      Id: 'guid',
      When: 'datetime',
      constructor: 'text',
      toString: 'list',
      __proto__: 'text',
    } as PropSet
    const odd: Record<string, unknown>[] = [
      {},
      { Name: undefined, Text: () => 1, Flag: 'yes', Count: Number.NaN, Items: 'one' },
      { Name: 'a "b" \\ \n ☃ \u2028', Text: Symbol('s'), Count: 3.5, Items: ['x', null, 1] },
      { Text: new Date(0), Items: [], Id: 7, When: '2026-01-01T00:00:00Z', Flag: true },
      { Text: { nested: [1, { b: undefined }] }, Items: [() => 1], Name: 0 },
      JSON.parse('{"__proto__":"own","constructor":"mine","toString":["t"]}') as Record<
        string,
        unknown
      >,
    ]
    for (const source of odd)
      for (const annotateNullLists of [false, true]) {
        const computed = { Count: 2, Text: undefined }
        expect(serializeJson([source], props, { annotateNullLists })).toBe(
          JSON.stringify(serialize(source, props, { annotateNullLists })),
        )
        expect(serializeJson([source, computed], props, { annotateNullLists })).toBe(
          JSON.stringify(serialize(source, props, { annotateNullLists, computed })),
        )
      }
  })

  it('runInvoke: a large Get-TransportRule and a policy read, page by page, as before', () => {
    const sb = bigSandbox()
    for (const [cmdlet, size] of [
      ['Get-TransportRule', 1000],
      ['Get-TransportRule', 100],
      ['Get-HostedContentFilterPolicy', 1],
      ['Get-QuarantinePolicy', 1000],
    ] as const)
      for (let skip = 0; skip < 300; skip += size) {
        const a = invoke(sb, sb.p2, cmdlet, {}, { skip, size })
        expect(a.status).toBe(200)
        // Written as text (the path this file is about), and the same bytes as the objects.
        expect(typeof a.json, cmdlet).toBe('string')
        expect(a.json, `${cmdlet} page at ${skip}`).toBe(
          objectPathBody(sb, sb.p2, cmdlet, {}, { skip, size }),
        )
        // The body, when asked for, is what the text says.
        expect(a.body).toEqual(JSON.parse(a.json!))
        if (skip + size >= ok(sb.call(sb.p2, cmdlet)).length) break
      }
  })

  it('runInvoke: an unshaped read (a long list) is written as text too, page by page, as before', () => {
    const sb = bigSandbox()
    const params = { ListType: 'Sender' }
    for (const skip of [0, 200]) {
      const a = invoke(sb, sb.p2, 'Get-TenantAllowBlockListItems', params, { skip, size: 200 })
      expect(typeof a.json).toBe('string')
      expect(a.json).toBe(
        objectPathBody(sb, sb.p2, 'Get-TenantAllowBlockListItems', params, { skip, size: 200 }),
      )
    }
  })

  it("runInvokePaced (the routes' way: a page written a few objects at a time, yielding between) answers the same bytes", async () => {
    const sb = bigSandbox()
    const ctx = serverContext(sb)
    for (const [cmdlet, params, page] of [
      ['Get-TransportRule', {}, { skip: 0, size: 1000 }],
      ['Get-TransportRule', {}, { skip: 100, size: 100 }],
      ['Get-TenantAllowBlockListItems', { ListType: 'Sender' }, { skip: 0, size: 1000 }],
      ['Get-HostedContentFilterPolicy', {}, { skip: 0, size: 1 }],
      ['Get-TransportRule', {}, { skip: 0, size: 50, select: 'Name,Priority' }],
      ['Get-NoSuchThing', {}, { skip: 0, size: 10 }],
    ] as const) {
      const request = invokeRequest(sb, sb.p2, cmdlet, params, page)
      let yields = 0
      const paced = await runInvokePaced(ctx, request, async () => {
        yields++
        await new Promise((resolve) => setImmediate(resolve))
      })
      const whole = runInvoke(ctx, request)
      expect(paced.status, cmdlet).toBe(whole.status)
      expect(paced.headers, cmdlet).toEqual(whole.headers)
      expect(wire(paced), `${cmdlet} ${JSON.stringify(page)}`).toBe(wire(whole))
      // A large page written as text was written in parts, with a chance to yield before each.
      if (cmdlet === 'Get-TransportRule' && page.size === 1000 && !('select' in page))
        expect(yields).toBeGreaterThan(10)
    }
  })

  it('runInvoke: $select keeps the object path (the same bytes), and the state is never aliased', () => {
    const sb = bigSandbox()
    const page = { skip: 0, size: 50, select: 'Name,Priority' }
    const selected = invoke(sb, sb.p2, 'Get-TransportRule', {}, page)
    expect(selected.json).toBeUndefined()
    expect(wire(selected)).toBe(objectPathBody(sb, sb.p2, 'Get-TransportRule', {}, page))
    // The object path's objects are copies: changing them leaves the tenant as it was.
    const value = (selected.body as { value: Record<string, unknown>[] }).value
    value[0]!.Name = 'changed'
    expect(sb.p2.snapshot.state.transportRules[0]!.Name).not.toBe('changed')
  })

  it('engine: shareReadResult shares a read only; a write is still a copy of its draft', () => {
    const sb = sandbox()
    const caller = sb.caller(sb.p2)
    const read = sb.engine.invoke(sb.p2, caller, 'Get-TransportRule', {}, NOW, {
      shareReadResult: true,
    })
    expect(read.ok).toBe(true)
    const made = sb.engine.invoke(
      sb.p2,
      caller,
      'New-TransportRule',
      { Name: 'shared-or-not', SenderDomainIs: ['example.com'], SetSCL: -1 },
      NOW,
      { shareReadResult: true },
    )
    expect(made.ok).toBe(true)
    if (!made.ok) return
    made.value[0]!.Name = 'changed'
    expect(sb.p2.snapshot.state.transportRules.some((r) => r.Name === 'shared-or-not')).toBe(true)
    expect(sb.p2.snapshot.state.transportRules.some((r) => r.Name === 'changed')).toBe(false)
  })

  it('batchResponsesJson is JSON.stringify({ responses }) whatever the items hold', () => {
    const text = jsonAnswer(200, { a: 'b' }, '{"value":[{"x":"é\\n"}]}', false)
    const object: HttpAnswer = {
      status: 400,
      headers: {},
      body: frontEndError('BadRequest', 'no "way"'),
    }
    const odd: HttpAnswer = { status: 204, headers: {}, body: undefined }
    const items: {
      id: string
      status: number
      headers: Record<string, string>
      answer: HttpAnswer
    }[] = [
      { id: '0', status: 200, headers: { 'content-type': 'application/json' }, answer: text },
      { id: '1"x', status: 400, headers: {}, answer: object },
      { id: '2', status: 204, headers: {}, answer: odd },
    ]
    expect(batchResponsesJson(items)).toBe(
      JSON.stringify({
        responses: items.map((i) => ({
          id: i.id,
          status: i.status,
          headers: i.headers,
          body: i.answer.body,
        })),
      }),
    )
    expect(batchResponsesJson([])).toBe(JSON.stringify({ responses: [] }))
  })
})
