// The quarantine mechanisms. Microsoft: a quarantine policy (its end-user permissions and
// notifications) applies only where an anti-spam verdict's action is Quarantine and the policy is
// named in the verdict's quarantine tag; full access lets users release their own messages,
// limited access lets them request release (defender-docs quarantine-policies.md;
// office-docs-powershell New-QuarantinePolicy.md: EndUserQuarantinePermissionsValue, ESNEnabled).
// For in-and-out relay routing Microsoft advises quarantining every negative verdict
// (defender-docs mdo-integrate-security-service.md). One rule per test (issue 18).
import { describe, expect, it } from 'vitest'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import type { PlanContext } from './context.js'
import { QUARANTINE_NOTICE, quarantinePolicyName } from './quarantine.js'
import { quarantineNotify } from './quarantine-notify.js'
import { quarantineRelease } from './quarantine-release.js'
import { quarantineVerdicts } from './quarantine-verdicts.js'

function ctxOf(snapshot: SnapshotOptions = {}): PlanContext {
  return {
    snapshot: makeSnapshot(snapshot),
    vendor: vendor({ ...COMMS, id: 'acme', name: 'Acme', params: [], sending: { ips: [] } }),
    now: NOW,
    mode: 'recommended',
  }
}

const protections = ['quarantine' as const]
const EVERYONE = { presets: [{ Name: 'Standard', Preset: 'Standard', Kind: 'EOP' }] as never }

describe('quarantine policy for the vendor', () => {
  it("is named after the vendor's id", () => {
    expect(quarantinePolicyName('acme')).toBe('passage-acme-notify')
  })

  it('is created with notifications and self-release for quarantine-release', () => {
    const [policy, tags, ...rest] = quarantineRelease.build(ctxOf(), protections)
    expect(rest).toEqual([])
    expect(policy).toMatchObject({
      surface: 'quarantine-policy',
      op: 'create',
      mechanism: 'quarantine-release',
      protections,
      summary:
        "Create quarantine policy 'passage-acme-notify' (notifications on, users may release)",
      after: {
        Name: 'passage-acme-notify',
        EndUserQuarantinePermissionsValue: 39,
        ESNEnabled: true,
        AdminDisplayName: 'managed-by=passage vendor=acme',
      },
    })
    expect(tags).toMatchObject({
      surface: 'anti-spam',
      op: 'update',
      mechanism: 'quarantine-release',
      set: { SpamQuarantineTag: 'passage-acme-notify', BulkQuarantineTag: 'passage-acme-notify' },
      summary: "Use quarantine policy 'passage-acme-notify' for spam and bulk in 'Default'",
      after_targets: ['quarantine-policy:passage-acme-notify'],
    })
  })

  it('is created with notifications and request-release for quarantine-notify', () => {
    const [policy] = quarantineNotify.build(ctxOf(), protections)
    expect(policy).toMatchObject({
      mechanism: 'quarantine-notify',
      summary:
        "Create quarantine policy 'passage-acme-notify' (notifications on, users may request release)",
      after: { EndUserQuarantinePermissionsValue: 43, ESNEnabled: true },
    })
  })

  it('updates an existing one (found in any case) only where it differs', () => {
    const existing = (over: Record<string, unknown>) =>
      ctxOf({
        state: {
          quarantinePolicies: [
            { Name: 'PASSAGE-acme-notify', EndUserQuarantinePermissionsValue: 39, ...over },
          ] as never,
          antiSpam: {
            policies: [
              {
                Name: 'Default',
                IsDefault: true,
                SpamQuarantineTag: 'passage-acme-notify',
                BulkQuarantineTag: 'passage-acme-notify',
              },
            ],
          },
        },
      })
    const off = quarantineNotify.build(existing({ ESNEnabled: false }), protections)
    expect(off).toMatchObject([
      {
        surface: 'quarantine-policy',
        op: 'update',
        set: { EndUserQuarantinePermissionsValue: 43, ESNEnabled: true },
        summary: "Update quarantine policy 'passage-acme-notify'",
      },
    ])
    expect(quarantineRelease.build(existing({ ESNEnabled: true }), protections)).toEqual([])
  })

  it('refuses when a preset covers every recipient', () => {
    expect(() => quarantineNotify.build(ctxOf(EVERYONE), protections)).toThrow(
      /^Changing quarantine notifications would reach no one/,
    )
  })

  it('says once that it applies only where the action is Quarantine', () => {
    expect(quarantineNotify.notices?.(ctxOf())).toEqual([QUARANTINE_NOTICE])
    expect(quarantineRelease.notices?.(ctxOf())).toEqual([QUARANTINE_NOTICE])
    expect(QUARANTINE_NOTICE).toEqual({
      rank: 40,
      text: 'Quarantine policies apply only where the anti-spam action is Quarantine; with Move to Junk nothing is held.',
    })
    expect(quarantineNotify.availability(ctxOf())).toEqual({ ok: true })
    expect(quarantineRelease.availability(ctxOf())).toEqual({ ok: true })
  })
})

describe('quarantine every negative verdict (in-and-out relay routing)', () => {
  it('quarantines spam, high-confidence spam, phish and bulk in every anti-spam policy, and spoof in every anti-phishing policy', () => {
    const drafts = quarantineVerdicts.build(ctxOf(), protections)
    expect(drafts.map((d) => [d.surface, d.mechanism, d.set, d.summary])).toEqual([
      [
        'anti-spam',
        'quarantine-verdicts',
        {
          SpamAction: 'Quarantine',
          HighConfidenceSpamAction: 'Quarantine',
          PhishSpamAction: 'Quarantine',
          BulkSpamAction: 'Quarantine',
        },
        "Quarantine spam, bulk and phish verdicts in anti-spam policy 'Default'",
      ],
      [
        'anti-phish',
        'quarantine-verdicts',
        { AuthenticationFailAction: 'Quarantine' },
        "Quarantine spoofed mail (spoof intelligence action) in anti-phishing policy 'Office365 AntiPhish Default'",
      ],
    ])
  })

  it('keeps an action that deletes the message (stricter than quarantine)', () => {
    const ctx = ctxOf({
      state: {
        antiSpam: {
          policies: [
            { Name: 'Default', IsDefault: true, SpamAction: 'Delete', BulkSpamAction: 'Delete' },
          ],
        },
      },
    })
    expect(quarantineVerdicts.build(ctx, protections)[0]?.set).toEqual({
      HighConfidenceSpamAction: 'Quarantine',
      PhishSpamAction: 'Quarantine',
    })
  })

  it('covers custom anti-phishing policies with an enabled rule only', () => {
    const ctx = ctxOf({
      state: {
        antiPhish: {
          policies: [
            { Name: 'Default', IsDefault: true, AuthenticationFailAction: 'Quarantine' },
            { Name: 'Finance' },
            { Name: 'Idle' },
          ],
          rules: [
            { Name: 'Finance rule', Priority: 0, AntiPhishPolicy: 'Finance' },
            { Name: 'Idle rule', Priority: 1, AntiPhishPolicy: 'Idle', State: 'Disabled' },
          ],
        } as never,
      },
    })
    expect(
      quarantineVerdicts
        .build(ctx, protections)
        .filter((d) => d.surface === 'anti-phish')
        .map((d) => d.target),
    ).toEqual(['finance'])
  })

  it('refuses when a preset covers every recipient, and says it applies to every sender', () => {
    expect(() => quarantineVerdicts.build(ctxOf(EVERYONE), protections)).toThrow(
      /^Quarantining every negative verdict would reach no one/,
    )
    expect(quarantineVerdicts.notices?.(ctxOf())).toEqual([
      {
        rank: 41,
        text: 'Quarantining every negative verdict applies to all senders the anti-spam and anti-phishing policies cover, not only relayed mail: Microsoft advises it for in-and-out routing because a Junk verdict is not kept when the message comes back from the relay.',
      },
    ])
    expect(quarantineVerdicts.availability(ctxOf())).toEqual({ ok: true })
  })
})
