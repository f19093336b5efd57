/**
 * Issue 17: the sandbox answers Get-* in the property set real Exchange returns, and the client's
 * read path maps real-shaped objects (from test/fixtures/exchange-shapes, our own values in the
 * shape of real captures) to passage's model without losing what it does not model.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readTenant } from '../../src/app/read-state.js'
import type { CmdletCall } from '../../src/core/cmdlet.js'
import { classifyUnmodelled } from '../../src/core/evaluator/unmodelled.js'
import type { ExchangeClient } from '../../src/exchange/index.js'
import { sandbox as engineSandbox, ok } from '../../src/sandbox/engine/test-helpers.js'
import { shapeOutput, SHAPED_CMDLETS } from '../../src/sandbox/engine/shapes/index.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { invoke } from './helpers.js'
import { GW, TEST_CERTS, tokenCache, who } from './fixtures.js'

const DIR = join(import.meta.dirname, '..', 'fixtures', 'exchange-shapes')
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>
const responseOf = (cmdlet: string) =>
  (fixture(`${cmdlet}.response.json`) as { value: Record<string, unknown>[] }).value
const shapeOf = (cmdlet: string) =>
  (fixture(`${cmdlet}.shape.json`) as { shape: Record<string, string> }).shape

/** An Exchange client that answers each Get-* with a recorded real-shaped response. */
function recorded(answers: Record<string, Record<string, unknown>[]>): ExchangeClient {
  const client = {
    batch: (calls: CmdletCall[]) =>
      Promise.resolve(
        calls.map((c) => ({ ok: true as const, objects: answers[c.cmdlet] ?? [], warnings: [] })),
      ),
  }
  return client as unknown as ExchangeClient
}

const jsonType = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v

describe('the client reads real shapes', () => {
  it('read.rule-unmodelled: a rule with conditions passage does not model stays uncertain', async () => {
    const read = await readTenant(
      recorded({ 'Get-TransportRule': responseOf('Get-TransportRule') }),
      { surfaces: ['transport-rule'], defender: false },
    )
    const [archives, prompt, bypass] = read.state.transportRules
    // Password-protected attachments -> quarantine: a condition and a placement action.
    expect(archives?.Unmodelled).toEqual(['AttachmentIsPasswordProtected', 'Quarantine'])
    const parts = classifyUnmodelled(archives?.Unmodelled ?? [])
    expect(parts.predicates).toContain('AttachmentIsPasswordProtected')
    expect(parts.placementActions).toContain('Quarantine')
    // A condition only the Conditions list names (no property passage knows) is not lost.
    expect(prompt?.Unmodelled).toContain('SomeFutureCondition')
    expect(classifyUnmodelled(prompt?.Unmodelled ?? []).predicates).toContain('SomeFutureCondition')
    // What the model keeps is read as such, and nothing else is called unmodelled.
    expect(bypass).toMatchObject({
      SenderIpRanges: ['203.0.113.40'],
      SetSCL: -1,
      HeaderContainsMessageHeader: 'Authentication-Results',
      Unmodelled: [],
    })
  })

  it('read.quarantine-permissions: a policy without the numeric value keeps its permissions', async () => {
    const read = await readTenant(
      recorded({ 'Get-QuarantinePolicy': responseOf('Get-QuarantinePolicy') }),
      { surfaces: ['quarantine-policy'], defender: false },
    )
    const [text, bools] = read.state.quarantinePolicies
    // AllowSender 32 + RequestRelease 8 + Preview 2 + Delete 1, from the text form alone.
    expect(text).toMatchObject({
      Name: 'Fixture limited access',
      EndUserQuarantinePermissionsValue: 43,
    })
    // BlockSender 16 + Release 4 + Preview 2 + Delete 1, from the booleans alone.
    expect(bools?.EndUserQuarantinePermissionsValue).toBe(23)
    expect(read.notUnderstood).toEqual([])
  })

  it('read.empty-properties: a policy with unknown properties, annotations and nulls is read', async () => {
    const read = await readTenant(
      recorded({ 'Get-HostedContentFilterPolicy': responseOf('Get-HostedContentFilterPolicy') }),
      { surfaces: ['anti-spam'], defender: false },
    )
    expect(read.state.antiSpam.policies[0]).toMatchObject({
      Name: 'Default',
      AllowedSenderDomains: ['partner.example'],
      AllowedSenders: [],
      BulkThreshold: 6,
    })
    expect(read.state.antiSpam.policies[0]).not.toHaveProperty('PropertyAddedByMicrosoftLater')
    expect(read.notUnderstood).toEqual([])
  })

  it('read.not-understood: one object in an unknown shape is kept as not understood, the rest is read', async () => {
    const read = await readTenant(
      recorded({ 'Get-TransportRule': responseOf('Get-TransportRule') }),
      { surfaces: ['transport-rule'], defender: false },
    )
    expect(read.state.transportRules).toHaveLength(4)
    const odd = read.state.transportRules[3]
    expect(odd?.Name).toBe('Rule in a shape passage cannot read')
    expect(odd?.NotUnderstood).toMatch(/Priority/)
    // The evaluator sees an unknown condition: the rule is uncertain, never a match.
    expect(odd?.Unmodelled).toContain('NotUnderstood')
    expect(read.notUnderstood).toEqual([
      expect.objectContaining({ path: 'transportRules.3', dropped: false }),
    ])
  })

  it('read.phishsim-pending-deletion: a rule being deleted is skipped for the one in force', async () => {
    const read = await readTenant(
      recorded({
        'Get-ExoPhishSimOverrideRule': [
          {
            Name: '_Exe:PhishSimOverr:old',
            Mode: 'PendingDeletion',
            Domains: ['old.example'],
            SenderIpRanges: ['198.51.100.1'],
          },
          {
            Name: '_Exe:PhishSimOverr:new',
            Mode: 'Enforce',
            Domains: ['sim.example'],
            SenderIpRanges: ['198.51.100.2'],
          },
        ],
      }),
      { surfaces: ['phish-sim-rule'], defender: false },
    )
    expect(read.state.advancedDelivery.phishSimRule?.Name).toBe('_Exe:PhishSimOverr:new')
  })
})

describe('the sandbox answers in the real shapes', () => {
  const sb = engineSandbox()
  const shapeCtx = (t: typeof sb.p2) => ({
    tenantName: t.snapshot.tenant.name,
    tenantId: t.snapshot.tenant.id,
    now: new Date('2026-12-06T00:00:00Z'),
  })
  const cases: [string, string][] = [
    ['Get-TransportRule', 'shape.get-transportrule'],
    ['Get-QuarantinePolicy', 'shape.get-quarantinepolicy'],
    ['Get-HostedConnectionFilterPolicy', 'shape.get-hostedconnectionfilterpolicy'],
    ['Get-HostedContentFilterPolicy', 'shape.get-hostedcontentfilterpolicy'],
    ['Get-AntiPhishPolicy', 'shape.get-antiphishpolicy'],
    ['Get-MalwareFilterPolicy', 'shape.get-malwarefilterpolicy'],
    ['Get-SafeAttachmentPolicy', 'shape.get-safeattachmentpolicy'],
    ['Get-SafeLinksPolicy', 'shape.get-safelinkspolicy'],
  ]
  it('covers every shaped cmdlet', () => {
    expect(SHAPED_CMDLETS.map((c) => c.toLowerCase()).sort()).toEqual(
      cases.map(([c]) => c.toLowerCase()).sort(),
    )
  })
  it('shape.unrecorded: cmdlets with no recorded shape pass through as the engine answers', () => {
    const items = ok(sb.call(sb.p2, 'Get-TenantAllowBlockListItems', { ListType: 'Sender' }))
    expect(shapeOutput('Get-TenantAllowBlockListItems', items, shapeCtx(sb.p2))).toEqual(items)
  })
  for (const [cmdlet, id] of cases)
    it(`${id}: every property the sandbox returns exists in the real shape with the same JSON type`, () => {
      const shape = shapeOf(cmdlet)
      for (const tenant of [sb.p2, sb.gateway]) {
        const objects = shapeOutput(cmdlet, ok(sb.call(tenant, cmdlet)), shapeCtx(tenant))
        expect(objects.length).toBeGreaterThan(0)
        for (const o of objects) {
          for (const [k, v] of Object.entries(o)) {
            if (k.includes('@')) {
              expect(typeof v, `${cmdlet} ${k}`).toBe('string')
              continue
            }
            expect(shape, `${cmdlet} returns ${k}, which real Exchange does not`).toHaveProperty(k)
            const want =
              shape[k] === 'datetime' ? 'string' : shape[k] === 'number' ? 'number' : shape[k]
            // A null in the capture says only that it was empty there; null is Exchange's empty.
            if (v !== null && want !== 'null') expect(jsonType(v), `${cmdlet} ${k}`).toBe(want)
          }
          // Every property of the real shape is there (all of them, not a selection).
          for (const k of Object.keys(shape)) expect(o, `${cmdlet} lacks ${k}`).toHaveProperty(k)
        }
      }
    })
})

describe('over HTTPS', () => {
  let running: RunningSandbox
  const token = tokenCache(() => running)
  beforeAll(async () => {
    running = await startSandbox({ certDir: TEST_CERTS })
  })
  afterAll(async () => {
    await running?.close()
  })

  it('shape.get-transportrule: the wire carries Conditions/Actions and no Unmodelled', async () => {
    const r = await invoke(running, await token(GW, who.global), GW.id, 'Get-TransportRule')
    expect(r.status).toBe(200)
    const rules = r.json.value as Record<string, unknown>[]
    expect(rules.length).toBeGreaterThan(0)
    for (const rule of rules) expect(rule).not.toHaveProperty('Unmodelled')
    const pw = rules.find((x) => x.AttachmentIsPasswordProtected === true)
    expect(pw).toMatchObject({
      Quarantine: true,
      'Conditions@odata.type': '#Collection(String)',
      'Priority@data.type': 'System.Int32',
    })
    expect(pw?.Conditions).toContain(
      'Microsoft.Exchange.MessagingPolicies.Rules.Tasks.AttachmentIsPasswordProtectedPredicate',
    )
    expect(pw?.Actions).toContain(
      'Microsoft.Exchange.MessagingPolicies.Rules.Tasks.QuarantineAction',
    )
    expect(rules.some((x) => x.SentTo === null)).toBe(true)
  })

  it('shape.get-quarantinepolicy: bits as booleans and text, no numeric value', async () => {
    const r = await invoke(running, await token(GW, who.global), GW.id, 'Get-QuarantinePolicy', {
      Identity: 'DefaultFullAccessPolicy',
    })
    const [p] = r.json.value as Record<string, unknown>[]
    expect(p).not.toHaveProperty('EndUserQuarantinePermissionsValue')
    expect(p).toMatchObject({
      Release: true,
      Preview: true,
      Delete: true,
      AllowSender: true,
      RequestRelease: false,
    })
    expect(p?.EndUserQuarantinePermissions).toContain('PermissionToRelease: True')
  })
})
