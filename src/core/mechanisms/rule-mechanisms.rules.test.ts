// The mechanisms carried by a mail flow rule: their part of the vendor's rules (rules.ts assembles
// them). Microsoft: an SCL -1 rule bypasses spam filtering (office-docs-powershell
// New-TransportRule.md: SetSCL, SetHeaderName/SetHeaderValue, StopRuleProcessing; OfficeDocs-Exchange
// use-rules-to-set-scl.md); for in-and-out relay routing it advises against rules that skip
// filtering (defender-docs mdo-integrate-security-service.md). One rule per test (issue 18).
import { describe, expect, it } from 'vitest'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import { acmeContext } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import { bypassClutterHeader } from './bypass-clutter-header.js'
import type { PlanContext } from './context.js'
import { BYPASS_CLUTTER, SKIP_SAFE_ATTACHMENTS, SKIP_SAFE_LINKS } from './rules.js'
import { BYPASS_GROUP, scopedRule } from './scoped-rule.js'
import { skipSafeAttachmentsHeader } from './skip-safe-attachments-header.js'
import { skipSafeLinksHeader } from './skip-safe-links-header.js'

const ctxOf = (
  over: Partial<VendorProfileInput> = {},
  mode: PlanContext['mode'] = 'recommended',
  snapshot: SnapshotOptions = {},
): PlanContext =>
  acmeContext(
    { sending: { ips: ['3.93.243.176'], envelopeDomains: ['acme-mail.com'] }, ...over },
    snapshot,
    mode,
  )

const GATEWAY: SnapshotOptions = {
  mx: { route: 'gateway', gateway: 'Mimecast', hosts: [], ips: ['203.0.113.1'] },
}

describe('the exact headers (reference §3.14)', () => {
  it('are Microsoft’s names and values', () => {
    expect(BYPASS_CLUTTER).toEqual({
      name: 'X-MS-Exchange-Organization-BypassClutter',
      value: 'true',
    })
    expect(SKIP_SAFE_LINKS).toEqual({
      name: 'X-MS-Exchange-Organization-SkipSafeLinksProcessing',
      value: '1',
    })
    expect(SKIP_SAFE_ATTACHMENTS).toEqual({
      name: 'X-MS-Exchange-Organization-SkipSafeAttachmentProcessing',
      value: '1',
    })
  })
})

describe('scoped rule (SCL -1)', () => {
  it('leads the bypass group with SCL -1, and stops processing only in the vendor’s recipe', () => {
    expect(scopedRule.rule(ctxOf(), ['anti-spam'])).toEqual({
      group: BYPASS_GROUP,
      order: 2,
      name: 'Acme bypass spam filtering',
      purpose: 'bypass spam filtering (SCL -1)',
      mechanism: 'scoped-rule',
      protections: ['anti-spam'],
      scl: -1,
      stop: false,
    })
    expect(BYPASS_GROUP).toBe('bypass')
    const recipe = scopedRule.rule(ctxOf({ ruleName: 'Acme Inbound' }, 'recipe'), ['anti-spam'])
    expect([recipe.name, recipe.stop]).toEqual(['Acme Inbound', true])
  })

  it('is not planned for an in-and-out relay outside its own recipe', () => {
    const relay = { category: 'inbound-relay' as const }
    expect(scopedRule.availability(ctxOf(relay))).toEqual({
      ok: false,
      reason:
        "Microsoft advises against SCL -1 mail flow rules for mail an in-and-out relay hands back (they can let false negatives through); it is Acme's own recipe, used only when you follow that recipe",
    })
    expect(scopedRule.availability(ctxOf(relay, 'recipe'))).toEqual({ ok: true })
    expect(scopedRule.availability(ctxOf())).toEqual({ ok: true })
  })

  it('needs something to scope the rule to', () => {
    expect(scopedRule.availability(ctxOf({ sending: { ips: [] } }))).toMatchObject({ ok: false })
  })

  it('asks for SPF and DKIM for a sender, and prefers enhanced filtering behind a gateway', () => {
    expect(scopedRule.notices?.(ctxOf())).toEqual([
      {
        rank: 50,
        text: 'The mail flow rule matches only when DMARC passes: set up SPF and DKIM for the domains the vendor sends as.',
      },
    ])
    expect(scopedRule.notices?.(ctxOf({}, 'recommended', GATEWAY))?.map((n) => n.rank)).toEqual([
      10, 50,
    ])
    expect(scopedRule.notices?.(ctxOf({}, 'recommended', GATEWAY))?.[0]?.text).toBe(
      'MX points at a gateway: prefer enhanced filtering on its connector to an SCL -1 rule, which can deliver high-confidence phish while MX is not at Microsoft 365.',
    )
  })

  it('says nothing of DMARC for relays, gateways and simulations (their rule does not require it)', () => {
    for (const category of ['inbound-relay', 'gateway-mx', 'phishing-simulation'] as const)
      expect(scopedRule.notices?.(ctxOf({ category })), category).toEqual([])
  })

  it('warns when the vendor sends as the tenant’s own domain', () => {
    const own = ctxOf({ sending: { ips: ['3.93.243.176'], headerFromDomains: ['fabrikam.com'] } })
    expect(scopedRule.notices?.(own)?.map((n) => n.rank)).toEqual([45, 50])
  })
})

describe('BypassClutter header', () => {
  it('joins the bypass group after the SCL part, with the Clutter header', () => {
    expect(bypassClutterHeader.rule(ctxOf(), ['clutter'])).toEqual({
      group: 'bypass',
      order: 3,
      name: 'Acme bypass Clutter',
      purpose: 'bypass Clutter',
      mechanism: 'bypass-clutter-header',
      protections: ['clutter'],
      header: BYPASS_CLUTTER,
      stop: false,
    })
    const recipe = bypassClutterHeader.rule(ctxOf({ ruleName: 'Acme Inbound' }, 'recipe'), [])
    expect([recipe.name, recipe.stop]).toEqual(['Acme Inbound', true])
  })

  it('needs a rule scope, and warns about internal senders', () => {
    expect(bypassClutterHeader.availability(ctxOf({ sending: { ips: [] } }))).toMatchObject({
      ok: false,
    })
    expect(bypassClutterHeader.notices?.(ctxOf())).toEqual([])
  })
})

describe('Safe Links and Safe Attachments skip headers', () => {
  it('each make a rule of their own that never stops processing', () => {
    expect(skipSafeLinksHeader.rule(ctxOf({}, 'recipe'), ['safe-links'])).toEqual({
      group: 'skip-safe-links',
      order: 0,
      name: 'Acme skip Safe Links',
      purpose: 'skip Safe Links',
      mechanism: 'skip-safe-links-header',
      protections: ['safe-links'],
      header: SKIP_SAFE_LINKS,
      stop: false,
    })
    expect(skipSafeAttachmentsHeader.rule(ctxOf({}, 'recipe'), ['safe-attachments'])).toEqual({
      group: 'skip-safe-attachments',
      order: 1,
      name: 'Acme skip Safe Attachments',
      purpose: 'skip Safe Attachments',
      mechanism: 'skip-safe-attachments-header',
      protections: ['safe-attachments'],
      header: SKIP_SAFE_ATTACHMENTS,
      stop: false,
    })
  })

  it('need a rule scope', () => {
    const none = ctxOf({ sending: { ips: [] } })
    expect(skipSafeLinksHeader.availability(none)).toMatchObject({ ok: false })
    expect(skipSafeAttachmentsHeader.availability(none)).toMatchObject({ ok: false })
    expect(skipSafeLinksHeader.availability(ctxOf())).toEqual({ ok: true })
  })
})
