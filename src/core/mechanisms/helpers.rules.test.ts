// What the mechanism modules share: the preset refusal (presets win over custom and default
// policies, defender-docs preset-security-policies.md "Order of precedence"), the anti-spam
// policies in force, the availability checks, and Tenant Allow/Block List allows (defender-docs
// tenant-allow-block-list-email-spoof-configure.md: an allow is kept 45 days after last use;
// advanced-delivery-policy-configure.md: simulation URLs do not expire). One rule per test.
import { describe, expect, it } from 'vitest'
import { isPassageError } from '../errors/index.js'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import type { PlanContext } from './context.js'
import type { Draft } from './draft.js'
import {
  antiSpamInForce,
  drafts,
  needsRuleScope,
  needsSenderDomain,
  no,
  refuseIfPreset,
  tablAllows,
} from './helpers.js'

function ctxOf(
  over: Partial<VendorProfileInput> = {},
  snapshot: SnapshotOptions = {},
): PlanContext {
  return {
    snapshot: makeSnapshot(snapshot),
    vendor: vendor({
      ...COMMS,
      id: 'acme',
      name: 'Acme',
      params: [],
      sending: { ips: [] },
      ...over,
    }),
    now: NOW,
    mode: 'recommended',
  }
}

function thrown(fn: () => void) {
  try {
    fn()
  } catch (e) {
    if (isPassageError(e)) return { code: e.code, message: e.message, details: e.details }
    throw e
  }
  return null
}

describe('no: a mechanism that does not work here', () => {
  it('says why, and carries a refusal code only when given one', () => {
    expect(no('why')).toEqual({ ok: false, reason: 'why' })
    expect(Object.keys(no('why'))).not.toContain('refusal')
    expect(no('why', 'PASSAGE_E_REFUSED_UNSAFE')).toEqual({
      ok: false,
      reason: 'why',
      refusal: 'PASSAGE_E_REFUSED_UNSAFE',
    })
  })
})

describe('refuseIfPreset: a policy change a preset covering everyone would override', () => {
  const presets = (list: Record<string, unknown>[]) => ctxOf({}, { presets: list as never })

  it('refuses, naming each preset and who it covers', () => {
    const ctx = presets([
      { Name: 'Standard Preset Security Policy', Preset: 'Standard', Kind: 'EOP' },
      { Name: 'Strict Preset Security Policy', Preset: 'Strict', Kind: 'EOP' },
    ])
    expect(thrown(() => refuseIfPreset(ctx, 'EOP', 'Raising the bulk threshold'))).toEqual({
      code: 'PASSAGE_E_REFUSED_PRESET',
      message:
        'Raising the bulk threshold would reach no one: the Standard preset covers everyone; the Strict preset covers everyone, and preset security policies win over custom and default policies.',
      details: {
        presets: ['Standard Preset Security Policy', 'Strict Preset Security Policy'],
      },
    })
  })

  it('lets it through with no preset, a partial one, or one of the other kind', () => {
    expect(thrown(() => refuseIfPreset(ctxOf(), 'EOP', 'x'))).toBeNull()
    const partial = presets([
      { Name: 'S', Preset: 'Standard', Kind: 'EOP', SentTo: ['ann@fabrikam.com'] },
      { Name: 'A', Preset: 'Standard', Kind: 'ATP' },
    ])
    expect(thrown(() => refuseIfPreset(partial, 'EOP', 'x'))).toBeNull()
  })
})

describe('antiSpamInForce', () => {
  it('is the default policy and the custom ones an enabled rule links', () => {
    const ctx = ctxOf(
      {},
      {
        state: {
          antiSpam: {
            policies: [{ Name: 'Default', IsDefault: true }, { Name: 'Sales' }, { Name: 'Idle' }],
            rules: [
              { Name: 'Sales rule', Priority: 0, HostedContentFilterPolicy: 'sales' },
              {
                Name: 'Idle rule',
                Priority: 1,
                HostedContentFilterPolicy: 'Idle',
                State: 'Disabled',
              },
            ],
          },
        },
      },
    )
    expect(antiSpamInForce(ctx).map((p) => p.Name)).toEqual(['Default', 'Sales'])
  })
})

describe('availability checks', () => {
  it('needsSenderDomain: a sender domain of its own, not the tenant’s', () => {
    const reason = 'Acme has no sender domain of its own to allow'
    expect(needsSenderDomain(ctxOf())).toEqual({ ok: false, reason })
    expect(needsSenderDomain(ctxOf({ sending: { headerFromDomains: ['fabrikam.com'] } }))).toEqual({
      ok: false,
      reason,
    })
    expect(needsSenderDomain(ctxOf({ sending: { dkimDomains: ['acme.com'] } }))).toEqual({
      ok: true,
    })
  })

  it('needsRuleScope: IPs, a sender domain, or a header (which the rule builder refuses)', () => {
    expect(needsRuleScope(ctxOf())).toEqual({
      ok: false,
      reason: 'Acme has neither sending IPs nor a sender domain to scope a rule to',
    })
    expect(needsRuleScope(ctxOf({ sending: { ips: ['3.93.243.176'] } }))).toEqual({ ok: true })
    expect(needsRuleScope(ctxOf({ sending: { envelopeDomains: ['acme.com'] } }))).toEqual({
      ok: true,
    })
    expect(needsRuleScope(ctxOf({ headers: ['X-Acme'] }))).toEqual({ ok: true })
  })
})

describe('tablAllows: Tenant Allow/Block List allow entries', () => {
  const meta = { protections: ['tabl' as const], mechanism: 'tabl-sender-allow' as const }

  it('creates an entry kept until 45 days after last use, marked as passage’s', () => {
    const [d, ...rest] = tablAllows(ctxOf(), 'Sender', ['acme.com'], meta, 'sender domain')
    expect(rest).toEqual([])
    expect(d).toMatchObject({
      surface: 'tabl-item',
      op: 'create',
      target: 'Sender:Tenant:Allow:acme.com',
      ...meta,
      summary:
        'Allow sender domain acme.com in the Tenant Allow/Block List (kept until 45 days after last use)',
      after: {
        ListType: 'Sender',
        ListSubType: 'Tenant',
        Action: 'Allow',
        Value: 'acme.com',
        RemoveAfter: 45,
        Notes: 'managed-by=passage vendor=acme',
      },
    })
  })

  it("creates advanced delivery's simulation URLs without expiry", () => {
    const [d] = tablAllows(ctxOf(), 'Url', ['sim.com/*'], meta, 'URL', 'AdvancedDelivery')
    expect(d?.summary).toBe(
      "Allow URL sim.com/* in advanced delivery's simulation URLs (no expiry)",
    )
    expect(d?.after).toEqual({
      ListType: 'Url',
      ListSubType: 'AdvancedDelivery',
      Action: 'Allow',
      Value: 'sim.com/*',
      Notes: 'managed-by=passage vendor=acme',
    })
  })

  it('plans no entry for a value already listed (in any case), even an expired one', () => {
    const ctx = ctxOf(
      {},
      {
        state: {
          tabl: {
            items: [
              {
                ListType: 'Sender',
                Action: 'Allow',
                Value: 'ACME.com',
                ExpirationDate: '2020-01-01T00:00:00Z',
              },
              { ListType: 'Sender', Action: 'Block', Value: 'other.com' },
            ],
          },
        },
      },
    )
    expect(
      tablAllows(ctx, 'Sender', ['acme.com', 'other.com'], meta, 'sender domain').map(
        (d) => d.target,
      ),
    ).toEqual(['Sender:Tenant:Allow:other.com'])
  })
})

describe('drafts', () => {
  it('drops the nulls of builders with nothing to change, keeping the order', () => {
    const a = { summary: 'a' } as Draft
    const b = { summary: 'b' } as Draft
    expect(drafts([null, a, null, b])).toEqual([a, b])
  })
})
