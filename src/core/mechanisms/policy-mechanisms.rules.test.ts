// The mechanisms that change every policy in force: anti-spam allowed sender domains, the bulk
// threshold, spam ZAP (office-docs-powershell Set-HostedContentFilterPolicy.md:
// AllowedSenderDomains, BulkThreshold 1-9, SpamZapEnabled), anti-phishing trusted domains
// (Set-AntiPhishPolicy.md: ExcludedDomains) and Safe Links "do not rewrite" entries
// (Set-SafeLinksPolicy.md: DoNotRewriteUrls; defender-docs safe-links-about.md, entry syntax).
// Presets win over these policies (defender-docs preset-security-policies.md). One rule per test.
import { describe, expect, it } from 'vitest'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import { acmeContext, makeDefenderSnapshot } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import { antispamAllowedSenders } from './antispam-allowed-senders.js'
import { bulkThreshold } from './bulk-threshold.js'
import type { PlanContext } from './context.js'
import { disableZap } from './disable-zap.js'
import { doNotRewrite } from './do-not-rewrite.js'
import { impersonationExclusion } from './impersonation-exclusion.js'
import type { ObjectMechanism } from './types.js'

type Sending = NonNullable<VendorProfileInput['sending']>

const ctxOf = (
  sending: Partial<Sending> = {},
  snapshot: SnapshotOptions = {},
  category: VendorProfileInput['category'] = 'marketing',
): PlanContext => acmeContext({ category, sending: { ips: [], ...sending } }, snapshot)

const DOMAINS = {
  envelopeDomains: ['acme-mail.com'],
  headerFromDomains: ['acme.com', 'fabrikam.com'],
}
const EVERYONE = (Kind: 'EOP' | 'ATP') => ({
  presets: [{ Name: `Standard ${Kind}`, Preset: 'Standard', Kind }] as never,
})
/** Two anti-spam policies in force (default and a custom one with an enabled rule). */
const TWO_ANTI_SPAM: SnapshotOptions = {
  state: {
    antiSpam: {
      policies: [
        { Name: 'Default', IsDefault: true, BulkThreshold: 7 },
        { Name: 'Sales', BulkThreshold: 9, SpamZapEnabled: false },
        { Name: 'Idle', BulkThreshold: 5 },
      ],
      rules: [{ Name: 'Sales rule', Priority: 0, HostedContentFilterPolicy: 'Sales' }],
    },
  },
}

const summaries = (m: ObjectMechanism, ctx: PlanContext) =>
  m.build(ctx, ['anti-spam']).map((d) => [d.target, d.mechanism, d.summary])

describe('anti-spam allowed sender domains', () => {
  it("adds the vendor's own domains to each anti-spam policy in force", () => {
    const ctx = ctxOf(DOMAINS, TWO_ANTI_SPAM)
    const drafts = antispamAllowedSenders.build(ctx, ['anti-spam'])
    expect(drafts.map((d) => [d.target, d.mechanism, d.add, d.summary])).toEqual([
      [
        'default',
        'antispam-allowed-senders',
        { AllowedSenderDomains: ['acme-mail.com', 'acme.com'] },
        "Allow Acme's domains in anti-spam policy 'Default': acme-mail.com, acme.com",
      ],
      [
        'sales',
        'antispam-allowed-senders',
        { AllowedSenderDomains: ['acme-mail.com', 'acme.com'] },
        "Allow Acme's domains in anti-spam policy 'Sales': acme-mail.com, acme.com",
      ],
    ])
  })

  it('needs a sender domain of its own, and refuses under a preset covering everyone', () => {
    expect(antispamAllowedSenders.availability(ctxOf())).toMatchObject({ ok: false })
    expect(() => antispamAllowedSenders.build(ctxOf(DOMAINS, EVERYONE('EOP')), [])).toThrow(
      /^Adding Acme to anti-spam allowed senders would reach no one/,
    )
  })
})

describe('bulk threshold', () => {
  it('raises it to 9 where it is lower, saying from what', () => {
    expect(summaries(bulkThreshold, ctxOf({}, TWO_ANTI_SPAM))).toEqual([
      ['default', 'bulk-threshold', "Raise the bulk threshold of 'Default' from 7 to 9"],
    ])
    expect(bulkThreshold.build(ctxOf({}, TWO_ANTI_SPAM), [])[0]?.set).toEqual({ BulkThreshold: 9 })
  })

  it('works for any vendor, and refuses under a preset covering everyone', () => {
    expect(bulkThreshold.availability(ctxOf())).toEqual({ ok: true })
    expect(() => bulkThreshold.build(ctxOf({}, EVERYONE('EOP')), [])).toThrow(
      /^Raising the bulk threshold would reach no one/,
    )
  })
})

describe('spam ZAP off', () => {
  it('turns spam ZAP off in each anti-spam policy in force where it is on', () => {
    expect(summaries(disableZap, ctxOf({}, TWO_ANTI_SPAM))).toEqual([
      ['default', 'disable-zap', "Turn spam ZAP off in 'Default' (phish ZAP stays on)"],
    ])
    expect(disableZap.build(ctxOf({}, TWO_ANTI_SPAM), [])[0]?.set).toEqual({
      SpamZapEnabled: false,
    })
  })

  it('says ZAP cannot be scoped to one sender, and refuses under a preset covering everyone', () => {
    expect(disableZap.availability(ctxOf())).toEqual({ ok: true })
    expect(disableZap.notices?.(ctxOf())).toEqual([
      {
        rank: 30,
        text: expect.stringMatching(
          /^ZAP cannot be scoped to one sender: spam ZAP goes off for every sender those anti-spam policies cover\./,
        ) as string,
      },
    ])
    expect(() => disableZap.build(ctxOf({}, EVERYONE('EOP')), [])).toThrow(
      /^Turning spam ZAP off would reach no one/,
    )
  })
})

describe('anti-phishing trusted domains (impersonation exclusion)', () => {
  it("trusts the vendor's own domains in each anti-phishing policy in force", () => {
    const ctx = ctxOf(DOMAINS, {
      state: {
        antiPhish: {
          policies: [{ Name: 'Default', IsDefault: true }, { Name: 'Finance' }, { Name: 'Idle' }],
          rules: [{ Name: 'Finance rule', Priority: 0, AntiPhishPolicy: 'finance' }],
        } as never,
      },
    })
    expect(
      impersonationExclusion
        .build(ctx, ['impersonation'])
        .map((d) => [d.target, d.mechanism, d.add, d.summary]),
    ).toEqual([
      [
        'default',
        'impersonation-exclusion',
        { ExcludedDomains: ['acme-mail.com', 'acme.com'] },
        "Trust Acme's domains in anti-phishing policy 'Default': acme-mail.com, acme.com",
      ],
      [
        'finance',
        'impersonation-exclusion',
        { ExcludedDomains: ['acme-mail.com', 'acme.com'] },
        "Trust Acme's domains in anti-phishing policy 'Finance': acme-mail.com, acme.com",
      ],
    ])
  })

  it('refuses under an ATP preset covering everyone', () => {
    expect(() => impersonationExclusion.build(ctxOf(DOMAINS, EVERYONE('ATP')), [])).toThrow(
      /^Excluding Acme from impersonation protection would reach no one/,
    )
    expect(impersonationExclusion.build(ctxOf(DOMAINS, EVERYONE('EOP')), [])).toHaveLength(1)
  })
})

describe('Safe Links "do not rewrite"', () => {
  const defender = (over: Parameters<typeof makeDefenderSnapshot>[0] = {}) => ({
    ...ctxOf({ linkDomains: ['track.acme.com'] }),
    snapshot: makeDefenderSnapshot(over),
  })

  it('adds each link domain and its subdomains to every custom Safe Links policy in force', () => {
    expect(
      doNotRewrite
        .build(defender(), ['safe-links'])
        .map((d) => [d.target, d.mechanism, d.add, d.summary]),
    ).toEqual([
      [
        'fabrikam safe links',
        'do-not-rewrite',
        { DoNotRewriteUrls: ['track.acme.com/*', '*.track.acme.com/*'] },
        "Do not rewrite Acme's tracking links in Safe Links policy 'Fabrikam Safe Links': track.acme.com/*, *.track.acme.com/*",
      ],
    ])
  })

  it('is not for simulations, needs link domains and a custom policy in force', () => {
    const sim = {
      ...defender(),
      vendor: ctxOf({ linkDomains: ['sim.com'] }, {}, 'phishing-simulation').vendor,
    }
    expect(doNotRewrite.availability(sim)).toEqual({
      ok: false,
      reason:
        'simulation URLs must not go in “do not rewrite” (Microsoft: it causes click alerts); advanced delivery handles them',
    })
    expect(doNotRewrite.availability({ ...defender(), vendor: ctxOf().vendor })).toEqual({
      ok: false,
      reason: 'Acme has no link or tracking domains',
    })
    const noCustom = defender({
      state: {
        safeLinks: {
          policies: [{ Name: 'Built-In Protection Policy', IsBuiltInProtection: true }],
        },
      },
    })
    const reason =
      'no custom Safe Links policy is in force, and the built-in protection policy cannot be edited'
    expect(doNotRewrite.availability(noCustom)).toEqual({ ok: false, reason })
    // Without Defender there are no Safe Links policies at all.
    expect(doNotRewrite.availability(ctxOf({ linkDomains: ['track.acme.com'] }))).toEqual({
      ok: false,
      reason,
    })
    expect(doNotRewrite.build(ctxOf({ linkDomains: ['track.acme.com'] }), [])).toEqual([])
    expect(doNotRewrite.availability(defender())).toEqual({ ok: true })
  })

  it('refuses under an ATP preset covering everyone', () => {
    expect(() => doNotRewrite.build(defender(EVERYONE('ATP')), [])).toThrow(
      /^Excluding Acme's links from Safe Links rewriting would reach no one/,
    )
  })
})
