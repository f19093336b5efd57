import { describe, expect, it } from 'vitest'
import { doNotRewriteMatches, validDoNotRewriteEntry } from './safe-links.js'
import {
  bypassRule,
  first,
  makeDefenderSnapshot,
  makeSnapshot,
  preset,
  VENDOR_IP,
} from './test-fixtures.js'

const policy = (over: Record<string, unknown>) =>
  makeDefenderSnapshot({
    state: {
      safeLinks: {
        policies: [
          { Name: 'Built-In Protection Policy', IsBuiltInProtection: true },
          { Name: 'Fabrikam Safe Links', ...over },
        ],
        rules: [
          {
            Name: 'Fabrikam Safe Links',
            SafeLinksPolicy: 'Fabrikam Safe Links',
            Priority: 0,
            RecipientDomainIs: ['fabrikam.com'],
          },
        ],
      },
    },
  })

describe('DoNotRewriteUrls matching (reference §3.5)', () => {
  it.each([
    ['contoso.com/*', 'https://contoso.com/a', true],
    ['contoso.com/*', 'http://contoso.com/', true],
    ['contoso.com/*', 'https://contoso.com', true],
    ['contoso.com/*', 'https://www.contoso.com/a', false],
    ['*.contoso.com/*', 'https://www.contoso.com/a', true],
    ['*.contoso.com/*', 'https://a.b.contoso.com/', true],
    ['*.contoso.com/*', 'https://contoso.com/a', false],
    ['contoso.com/*', 'https://contoso.com.evil.example/a', false],
    ['https://contoso.com/*', 'https://contoso.com/a', true],
    ['https://contoso.com/*', 'http://contoso.com/a', false],
    ['contoso.com', 'https://contoso.com/', true],
    ['contoso.com', 'https://contoso.com/a', false],
    ['contoso.com/a', 'https://CONTOSO.com/a', true],
    ['*.contoso.com/*/track/*', 'https://tk.contoso.com/x/track/1', true],
    ['*.*.*.*/*', 'https://a.b.c.d/', false],
  ])('%s covers %s: %s', (entry, url, want) => {
    expect(doNotRewriteMatches(entry, url)).toBe(want)
  })

  it('rejects entries with more than three wildcards', () => {
    expect(validDoNotRewriteEntry('*.*.contoso.com/*')).toBe(true)
    expect(validDoNotRewriteEntry('*.*.*.contoso.com/*')).toBe(false)
  })
})

describe('Safe Links at delivery', () => {
  it('rewrites URLs by default (Built-in protection)', () => {
    const r = first(makeDefenderSnapshot(), { urls: ['https://contoso.com/a'] })
    expect(r.safeLinks).toEqual([
      {
        url: 'https://contoso.com/a',
        rewritten: true,
        reason: "rewritten by 'Built-In Protection Policy'",
      },
    ])
  })

  it('has no Safe Links on an EOP-only tenant', () => {
    const r = first(makeSnapshot(), { urls: ['https://contoso.com/a'] })
    expect(r.safeLinks[0]).toMatchObject({ rewritten: false, reason: 'no Defender for Office 365' })
  })

  it('honours the winning policy’s DoNotRewriteUrls, needing both entries to cover a domain', () => {
    const s = policy({ DoNotRewriteUrls: ['contoso.com/*'] })
    const r = first(s, { urls: ['https://contoso.com/a', 'https://tk.contoso.com/a'] })
    expect(r.safeLinks.map((l) => l.rewritten)).toEqual([false, true])
    expect(r.safeLinks[0]?.reason).toMatch(/DoNotRewriteUrls of 'Fabrikam Safe Links'/)
  })

  it('ignores the do-not-rewrite list of a policy that does not win', () => {
    const s = policy({ DoNotRewriteUrls: ['contoso.com/*'] })
    const r = first(s, {
      urls: ['https://contoso.com/a'],
      recipients: ['alice@fabrikam.onmicrosoft.com'],
    })
    expect(r.safeLinks[0]?.rewritten).toBe(true)
  })

  it('does not rewrite when the policy disables rewriting or Safe Links for email', () => {
    expect(
      first(policy({ DisableUrlRewrite: true }), { urls: ['https://x.example/'] }).safeLinks[0]
        ?.rewritten,
    ).toBe(false)
    expect(
      first(policy({ EnableSafeLinksForEmail: false }), { urls: ['https://x.example/'] })
        .safeLinks[0]?.rewritten,
    ).toBe(false)
  })

  it('a preset wins over a custom policy’s DoNotRewriteUrls', () => {
    const s = makeDefenderSnapshot({
      presets: preset('Standard'),
      state: {
        safeLinks: {
          policies: [{ Name: 'Custom', DoNotRewriteUrls: ['contoso.com/*'] }],
          rules: [
            {
              Name: 'Custom',
              SafeLinksPolicy: 'Custom',
              Priority: 0,
              RecipientDomainIs: ['fabrikam.com'],
            },
          ],
        },
      },
    })
    expect(first(s, { urls: ['https://contoso.com/a'] }).safeLinks[0]?.rewritten).toBe(true)
  })

  it('honours SkipSafeLinksProcessing set by a rule, flagged as unconfirmed', () => {
    const s = makeDefenderSnapshot({
      rules: [
        bypassRule({
          SetSCL: null,
          SetHeaderName: 'X-MS-Exchange-Organization-SkipSafeLinksProcessing',
          SetHeaderValue: '1',
        }),
      ],
    })
    const r = first(s, { urls: ['https://contoso.com/a'] })
    expect(r.safeLinks[0]?.rewritten).toBe(false)
    expect(r.uncertain.join('\n')).toMatch(/semantics are unconfirmed/)
    expect(r.headers?.setByRules).toEqual({
      'X-MS-Exchange-Organization-SkipSafeLinksProcessing': '1',
    })
  })

  it('does not honour the skip header when the sender sets it (header firewall)', () => {
    const r = first(makeDefenderSnapshot(), {
      urls: ['https://contoso.com/a'],
      headers: { 'X-MS-Exchange-Organization-SkipSafeLinksProcessing': '1' },
    })
    expect(r.safeLinks[0]?.rewritten).toBe(true)
    expect(r.trace.some((t) => /Header firewall strips/.test(t.decision))).toBe(true)
  })

  it('wraps but does not block phishing simulation URLs', () => {
    const s = makeDefenderSnapshot({
      state: {
        advancedDelivery: {
          phishSimPolicy: {},
          phishSimRule: {
            Name: '_Exe:PhishSimOverr:1',
            Domains: ['mail.contoso.com'],
            SenderIpRanges: [VENDOR_IP],
          },
        },
      },
    })
    const r = first(s, { urls: ['https://sim.contoso.com/click'] })
    expect(r.safeLinks[0]).toMatchObject({
      rewritten: true,
      reason: 'wrapped but not blocked (advanced delivery)',
    })
  })

  it('a TABL URL allow does not stop rewriting', () => {
    const s = makeDefenderSnapshot({
      state: {
        tabl: {
          items: [
            {
              ListType: 'Url',
              Action: 'Allow',
              Value: 'contoso.com',
              ExpirationDate: '2026-12-01T00:00:00Z',
            },
          ],
        },
      },
    })
    expect(first(s, { urls: ['https://contoso.com/a'] }).safeLinks[0]?.rewritten).toBe(true)
  })
})
