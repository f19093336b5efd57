// The rules of the tenant-allow stage (allows.ts), pinned on hand-built inputs (issue 18). What
// each allow overrides: defender-office-365/how-policies-and-protections-are-combined.md
// (Appendix, tenant allows and blocks) and secure-by-default.md; which SFV each stamps:
// anti-spam-policies-troubleshooting.md and create-safe-sender-lists-in-office-365.md
// (reference §4.3, §4.6).
import { describe, expect, it } from 'vitest'
import { applyAllows } from './allows.js'
import type { CombineInput } from './outcome.js'
import { selectPolicies } from './policies.js'
import type { ListHit } from './sender-lists.js'
import type { TablHit } from './tabl.js'
import { combineInput, makeSnapshot, type CombineOver } from './test-fixtures.js'
import { obj, Trace } from './trace.js'
import type { TraceObject, TraceStep } from './types.js'
import { NEVER, TENANT_AND_USER, verdict, type Verdict } from './verdict.js'

const POLICY = obj('anti-spam-policy', 'Default')
const PHISH_POLICY = obj('anti-phish-policy', 'Office365 AntiPhish Default')
const CF = obj('connection-filter', 'Default')
const RULE = obj('transport-rule', 'Vendor bypass')
const policies = selectPolicies(makeSnapshot(), 'alice@fabrikam.com', new Trace())

const V = {
  MALW: () => verdict('MALW', 'anti-malware', 'Quarantine', 'q', POLICY, 'filter', NEVER),
  HPHSH: () =>
    verdict('HPHSH', 'HighConfidencePhishAction', 'Quarantine', 'q', POLICY, 'filter', {
      tenantAllow: false,
      ifMxElsewhere: true,
      userSafe: false,
    }),
  SPM: () => verdict('SPM', 'SpamAction', 'MoveToJmf', 'q', POLICY, 'filter', TENANT_AND_USER),
  PHSH: () =>
    verdict('PHSH', 'PhishSpamAction', 'Quarantine', 'q', POLICY, 'filter', TENANT_AND_USER),
  SPOOF: (source: 'spoof-intelligence' | 'dmarc') =>
    verdict(
      'SPOOF',
      source === 'dmarc' ? 'DmarcRejectAction' : 'AuthenticationFailAction',
      'Quarantine',
      'q',
      PHISH_POLICY,
      source,
      TENANT_AND_USER,
    ),
  /** A block verdict as blocks.ts builds it: overridable by nothing but the user's Safe Senders. */
  block: (cat: 'HPHSH' | 'SPOOF' | 'SPM', source: Verdict['source']): Verdict => ({
    cat,
    action: cat === 'SPM' ? 'junk' : 'quarantine',
    quarantineTag: null,
    setting: 'block',
    object: obj('tabl-entry', source),
    source,
    overridable: { tenantAllow: false, ifMxElsewhere: false, userSafe: source !== 'tabl-block' },
  }),
}

const hit = (value: string): TablHit => ({ value, object: obj('tabl-entry', value) })
const listHit = (entry: string): ListHit => ({
  entry,
  kind: 'address',
  object: obj('anti-spam-policy', `allowed ${entry}`),
})

type Over = CombineOver

/** A clean message with nothing configured, overridable per test. */
const input = (over: Over = {}): CombineInput => combineInput(policies, over)

/** Applies the allows to `verdicts` (also the working list unless `working` is given). */
function run(over: Over = {}, working?: Verdict[]) {
  const trace = new Trace()
  const i = input(over)
  const r = applyAllows(i, working ?? i.verdicts, trace)
  return {
    ...r,
    remainingCats: r.remaining.map((v) => v.cat),
    steps: trace.steps,
    decisions: trace.steps.map((s) => s.decision),
  }
}

const step = (
  stage: TraceStep['stage'],
  decision: string,
  object: TraceObject | null,
  note?: RegExp,
  uncertain?: true,
) => ({
  stage,
  decision,
  object,
  ...(note ? { note: expect.stringMatching(note) } : {}),
  ...(uncertain ? { uncertain } : {}),
})

const ruleAllow = { rules: { scl: -1, sclRule: 'Vendor bypass' } }
const ipAllow = { connection: { allow: '203.0.113.10' } }
const senderAllow = { antiSpamLists: { allow: listHit('news@contoso.com'), block: null } }
const tablAllow = { tabl: { senderAllow: hit('contoso.com') } }

describe('applyAllows: which allows match and the SFV each stamps (reference §4.6)', () => {
  it('nothing configured: no allow, the verdicts stand, nothing traced', () => {
    const r = run({ verdicts: [V.SPM()] })
    expect(r.primary).toBeNull()
    expect(r.remainingCats).toEqual(['SPM'])
    expect(r.steps).toEqual([])
  })

  it('a mail flow rule SCL -1: SFV:SKN, named by the rule', () => {
    expect(run(ruleAllow).primary).toEqual({
      kind: 'transport-rule',
      sfv: 'SKN',
      label: "mail flow rule 'Vendor bypass' (SCL -1)",
      object: RULE,
    })
  })

  it('a rule allow needs both SCL -1 and the rule that set it', () => {
    expect(run({ rules: { scl: -1, sclRule: null } }).primary).toBeNull()
    expect(run({ rules: { scl: 0, sclRule: 'Vendor bypass' } }).primary).toBeNull()
  })

  it('the IP Allow List: SFV:SKN, flagged against the newer page that shows SKI', () => {
    const r = run(ipAllow)
    expect(r.primary).toEqual({
      kind: 'ip-allow',
      sfv: 'SKN',
      label: 'IP Allow List entry 203.0.113.10',
      object: CF,
    })
    expect(r.steps).toEqual([
      step(
        'headers',
        'IP Allow List: stamped IPV:CAL with SFV:SKN',
        CF,
        /pairs IPV:CAL with SFV:SKN.*pairs it with SFV:SKI/,
        true,
      ),
    ])
  })

  it('an allowed IP still filtered (on-premises connector) is no allow', () => {
    const r = run({ connection: { allow: '203.0.113.10', allowStillFiltered: true } })
    expect(r.primary).toBeNull()
    expect(r.steps).toEqual([])
  })

  it('an anti-spam allowed sender: SFV:SKA', () => {
    expect(run(senderAllow).primary).toEqual({
      kind: 'anti-spam-allow',
      sfv: 'SKA',
      label: "allowed sender 'news@contoso.com'",
      object: obj('anti-spam-policy', 'allowed news@contoso.com'),
    })
  })

  it('a Tenant Allow/Block List sender allow: shown as SFV:NSPM, and flagged', () => {
    const r = run(tablAllow)
    expect(r.primary).toEqual({
      kind: 'tabl-allow',
      sfv: 'NSPM',
      label: 'Tenant Allow/Block List allow contoso.com',
      object: obj('tabl-entry', 'contoso.com'),
    })
    expect(r.steps).toEqual([
      step(
        'allow',
        'SFV shown as NSPM for a Tenant Allow/Block List allow',
        obj('tabl-entry', 'contoso.com'),
        /does not list an SFV value/,
        true,
      ),
    ])
  })

  it('a Tenant Allow/Block List IP allow counts when no sender allow applies', () => {
    const r = run({ tabl: { ipAllow: hit('203.0.113.10') } })
    expect(r.primary?.label).toBe('Tenant Allow/Block List allow 203.0.113.10')
    const both = run({ tabl: { ipAllow: hit('203.0.113.10'), senderAllow: hit('contoso.com') } })
    expect(both.primary?.label).toBe('Tenant Allow/Block List allow contoso.com')
  })

  it('eval.tabl.sender-allow-needs-auth: a sender allow is not applied to mail failing authentication', () => {
    const r = run({ ...tablAllow, authPassed: false, verdicts: [V.SPM()] })
    expect(r.primary).toBeNull()
    expect(r.remainingCats).toEqual(['SPM'])
    expect(r.steps).toEqual([
      step(
        'allow',
        'Tenant Allow/Block List allow contoso.com not applied: the message fails email authentication',
        obj('tabl-entry', 'contoso.com'),
        /only when they pass email authentication/,
      ),
    ])
  })

  it('...but the TABL IP allow still applies then', () => {
    const r = run({
      tabl: { senderAllow: hit('contoso.com'), ipAllow: hit('203.0.113.10') },
      authPassed: false,
    })
    expect(r.primary?.label).toBe('Tenant Allow/Block List allow 203.0.113.10')
  })

  it('a sender allow is applied, flagged, when authentication cannot be computed', () => {
    const r = run({ ...tablAllow, authPassed: 'unknown', verdicts: [V.SPM()] })
    expect(r.primary?.kind).toBe('tabl-allow')
    expect(r.remaining).toEqual([])
    expect(r.steps[0]).toEqual(
      step(
        'allow',
        'Tenant Allow/Block List allow contoso.com applied though authentication could not be computed',
        obj('tabl-entry', 'contoso.com'),
        /compauth here is none/,
        true,
      ),
    )
  })

  it('a sender allow passing authentication adds no authentication step', () => {
    const r = run({ ...tablAllow, authPassed: true })
    expect(r.decisions.some((d) => /authentication/.test(d))).toBe(false)
  })

  it('several allows: the rule decides the SFV first, then the IP Allow List, allowed senders, TABL', () => {
    const all = { ...ruleAllow, ...ipAllow, ...senderAllow, ...tablAllow }
    expect(run(all).primary?.kind).toBe('transport-rule')
    expect(run({ ...ipAllow, ...senderAllow, ...tablAllow }).primary?.kind).toBe('ip-allow')
    expect(run({ ...senderAllow, ...tablAllow }).primary?.kind).toBe('anti-spam-allow')
  })

  it('several allows: flagged, naming each and the SFV shown', () => {
    const r = run({ ...ruleAllow, ...senderAllow })
    expect(r.steps).toContainEqual(
      step(
        'allow',
        "Several allows match (mail flow rule 'Vendor bypass' (SCL -1); allowed sender 'news@contoso.com'); the header shows SKN",
        RULE,
        /does not say which SFV is stamped/,
        true,
      ),
    )
    expect(run(ruleAllow).steps.some((s) => s.uncertain)).toBe(false)
  })
})

describe('applyAllows: what a tenant allow overrides (reference §4.3)', () => {
  it.each([
    ['mail flow rule', ruleAllow, "mail flow rule 'Vendor bypass' (SCL -1)", RULE],
    ['IP Allow List', ipAllow, 'IP Allow List entry 203.0.113.10', CF],
  ] as const)('%s overrides spam and phish, and says so', (_name, over, label, object) => {
    const r = run({ ...over, verdicts: [V.PHSH(), V.SPM()] })
    expect(r.remaining).toEqual([])
    expect(r.steps).toContainEqual(
      step(
        'allow',
        `${label} overrides SPM (SpamAction=MoveToJmf)`,
        object,
        /Tenant allows override phish, high-confidence spam, spam, bulk and spoof/,
      ),
    )
    expect(r.decisions).toContain(`${label} overrides PHSH (PhishSpamAction=Quarantine)`)
  })

  it('no allow overrides malware, and says so', () => {
    const r = run({ ...ruleAllow, verdicts: [V.MALW()] })
    expect(r.remainingCats).toEqual(['MALW'])
    expect(r.steps).toEqual([
      step(
        'allow',
        "mail flow rule 'Vendor bypass' (SCL -1) does not override MALW",
        POLICY,
        /^No allow overrides malware \(only a SecOps mailbox/,
      ),
    ])
  })

  it('with the MX at Microsoft 365, no allow overrides HC phish (secure by default)', () => {
    const r = run({ ...ruleAllow, verdicts: [V.HPHSH()] })
    expect(r.remainingCats).toEqual(['HPHSH'])
    expect(r.steps).toEqual([
      step(
        'allow',
        "mail flow rule 'Vendor bypass' (SCL -1) does not override HPHSH",
        POLICY,
        /secure-by-default: with the MX at Microsoft 365, no rule/,
      ),
    ])
  })

  it.each([
    ['mail flow rule', ruleAllow, "mail flow rule 'Vendor bypass' (SCL -1)"],
    ['allowed sender', senderAllow, "allowed sender 'news@contoso.com'"],
    ['TABL allow', tablAllow, 'Tenant Allow/Block List allow contoso.com'],
  ] as const)(
    'eval.allow.hcphish-mx-elsewhere: a %s lets HC phish through when the MX points elsewhere',
    (_name, over, label) => {
      const r = run({ ...over, verdicts: [V.HPHSH()], complexRouting: true })
      expect(r.remaining).toEqual([])
      expect(r.steps).toContainEqual(
        step(
          'allow',
          `${label} lets high-confidence phish through: the MX does not point to Microsoft 365, so secure by default does not apply`,
          expect.anything() as unknown as TraceObject,
          /Non-Microsoft filters|non-Microsoft filters/,
        ),
      )
    },
  )

  it('the IP Allow List never lets HC phish through, whatever the routing', () => {
    const r = run({ ...ipAllow, verdicts: [V.HPHSH()], complexRouting: true })
    expect(r.remainingCats).toEqual(['HPHSH'])
    expect(r.steps).toContainEqual(
      step(
        'allow',
        'IP Allow List entry 203.0.113.10 does not override HPHSH',
        POLICY,
        /^The IP Allow List does not override high-confidence phish, whatever the routing$/,
      ),
    )
  })

  it('complex routing does not let an allow through malware', () => {
    const r = run({ ...ruleAllow, verdicts: [V.MALW()], complexRouting: true })
    expect(r.remainingCats).toEqual(['MALW'])
  })

  it('the IP Allow List after another allow: the other one lets HC phish through', () => {
    const r = run({ ...ipAllow, ...senderAllow, verdicts: [V.HPHSH()], complexRouting: true })
    expect(r.remaining).toEqual([])
    expect(r.decisions).toContain(
      "allowed sender 'news@contoso.com' lets high-confidence phish through: the MX does not point to Microsoft 365, so secure by default does not apply",
    )
  })

  it('eval.allow.ip-allow-not-dmarc: the IP Allow List does not override a DMARC failure', () => {
    const dmarc = V.SPOOF('dmarc')
    const r = run({ ...ipAllow, verdicts: [dmarc] })
    expect(r.remaining).toEqual([dmarc])
    expect(r.steps).toContainEqual(
      step(
        'allow',
        'IP Allow List entry 203.0.113.10 does not override the DMARC failure',
        PHISH_POLICY,
        /anti-spam-policies-troubleshooting: the IP Allow List does not override DMARC failures/,
      ),
    )
  })

  it('the IP Allow List does override a spoof-intelligence verdict', () => {
    expect(run({ ...ipAllow, verdicts: [V.SPOOF('spoof-intelligence')] }).remaining).toEqual([])
  })

  it('another allow overrides the DMARC failure the IP Allow List cannot, and is named', () => {
    const r = run({ ...ipAllow, ...senderAllow, verdicts: [V.SPOOF('dmarc')] })
    expect(r.remaining).toEqual([])
    expect(r.decisions).toContain(
      "allowed sender 'news@contoso.com' overrides SPOOF (DmarcRejectAction=Quarantine)",
    )
  })

  it('a block beats an allow: TABL block, spoofed-sender block', () => {
    const tablBlock = V.block('HPHSH', 'tabl-block')
    const spoofBlock = V.block('SPOOF', 'spoof-block')
    const r = run({ ...ruleAllow }, [tablBlock, spoofBlock])
    expect(r.remaining).toEqual([tablBlock, spoofBlock])
    expect(r.steps).toEqual([
      step(
        'allow',
        "mail flow rule 'Vendor bypass' (SCL -1) does not override a Tenant Allow/Block List block",
        tablBlock.object,
        /^A block beats an allow$/,
      ),
      step(
        'allow',
        "mail flow rule 'Vendor bypass' (SCL -1) does not override a spoofed-sender block",
        spoofBlock.object,
        /^A block beats an allow$/,
      ),
    ])
  })

  it('a rule or anti-spam block stands against an allow, flagged as unranked', () => {
    const ruleBlock = V.block('SPM', 'rule-block')
    const spamBlock = V.block('SPM', 'anti-spam-block')
    const r = run({ ...ipAllow }, [ruleBlock, spamBlock])
    expect(r.remaining).toEqual([ruleBlock, spamBlock])
    const flagged = step(
      'allow',
      'IP Allow List entry 203.0.113.10 does not override the block',
      ruleBlock.object,
      /does not rank a tenant allow against a rule or anti-spam block/,
      true,
    )
    expect(r.steps).toContainEqual(flagged)
    expect(r.steps).toContainEqual({ ...flagged, object: spamBlock.object })
  })

  it('without any allow, blocks and verdicts stand silently', () => {
    const r = run({ verdicts: [V.MALW()] }, [V.MALW(), V.block('SPM', 'rule-block')])
    expect(r.remainingCats).toEqual(['MALW', 'SPM'])
    expect(r.steps).toEqual([])
  })
})

describe('applyAllows: entity-level allows (TABL spoof and URL allows)', () => {
  const spoofAllow = { tabl: { spoofAllow: hit('contoso.com via 203.0.113.0/24') } }
  const urlEntry = hit('contoso.com/*')
  const urls = ['https://contoso.com/offer', 'https://contoso.com/login']
  const allUrlsAllowed = new Map(urls.map((u) => [u, urlEntry]))

  it('eval.allow.spoof-allow: a spoofed-sender allow overrides the spoof verdict', () => {
    const r = run({ ...spoofAllow, verdicts: [V.SPOOF('spoof-intelligence')] })
    expect(r.remaining).toEqual([])
    expect(r.primary).toBeNull()
    expect(r.steps).toEqual([
      step(
        'allow',
        'Spoofed-sender allow overrides the spoof verdict',
        spoofAllow.tabl.spoofAllow.object,
      ),
    ])
  })

  it('a spoofed-sender allow overrides an explicit DMARC failure, flagged as undocumented', () => {
    const r = run({ ...spoofAllow, verdicts: [V.SPOOF('dmarc')] })
    expect(r.remaining).toEqual([])
    expect(r.steps).toEqual([
      step(
        'allow',
        'Spoofed-sender allow overrides the DMARC failure',
        spoofAllow.tabl.spoofAllow.object,
        /does not say whether a spoofed-sender allow covers an explicit DMARC failure/,
        true,
      ),
    ])
  })

  it('a spoofed-sender allow overrides neither a spoofed-sender block nor other verdicts', () => {
    const spoofBlock = V.block('SPOOF', 'spoof-block')
    const r = run({ ...spoofAllow, verdicts: [V.SPM()] }, [spoofBlock, V.SPM()])
    expect(r.remainingCats).toEqual(['SPOOF', 'SPM'])
    expect(r.steps).toEqual([])
  })

  it('a URL allow covering every URL overrides spam, flagged as an assumption', () => {
    const r = run({ urls, tabl: { urlAllowed: allUrlsAllowed }, verdicts: [V.SPM()] })
    expect(r.remaining).toEqual([])
    expect(r.steps).toEqual([
      step(
        'allow',
        'Tenant Allow/Block List URL allow overrides SPM',
        urlEntry.object,
        /URL allows act on the URL entity only/,
        true,
      ),
    ])
  })

  it('a URL allow covering only some URLs overrides nothing', () => {
    const some = new Map([[urls[0] ?? '', urlEntry]])
    const r = run({ urls, tabl: { urlAllowed: some }, verdicts: [V.SPM()] })
    expect(r.remainingCats).toEqual(['SPM'])
    expect(r.steps).toEqual([])
  })

  it('a message without URLs is not covered by URL allows', () => {
    const r = run({ urls: [], tabl: { urlAllowed: allUrlsAllowed }, verdicts: [V.SPM()] })
    expect(r.remainingCats).toEqual(['SPM'])
  })

  it('a URL allow lets HC phish through only when the MX points elsewhere', () => {
    const over = { urls, tabl: { urlAllowed: allUrlsAllowed }, verdicts: [V.HPHSH()] }
    const through = run({ ...over, complexRouting: true })
    expect(through.remaining).toEqual([])
    expect(through.decisions).toEqual(['Tenant Allow/Block List URL allow overrides HPHSH'])
    const held = run(over)
    expect(held.remainingCats).toEqual(['HPHSH'])
    expect(held.steps).toEqual([
      step(
        'allow',
        'A direct URL allow does not override HPHSH; only a Submission-created allow can',
        urlEntry.object,
      ),
    ])
  })

  it('a direct URL allow never overrides malware; only a Submission-created allow can', () => {
    const r = run({ urls, tabl: { urlAllowed: allUrlsAllowed }, verdicts: [V.MALW()] })
    expect(r.remainingCats).toEqual(['MALW'])
    expect(r.decisions).toEqual([
      'A direct URL allow does not override MALW; only a Submission-created allow can',
    ])
  })

  it('the Submission note names malware only when the URLs are all allowed', () => {
    const some = new Map([[urls[1] ?? '', urlEntry]])
    const r = run({ urls, tabl: { urlAllowed: some }, verdicts: [V.MALW()] })
    expect(r.steps).toEqual([])
  })

  it('the Submission note is about the verdicts the filter gave, not the blocks', () => {
    // A TABL block (HPHSH) is not a filter verdict: no Submission note for it.
    const r = run({ urls, tabl: { urlAllowed: allUrlsAllowed } }, [V.block('HPHSH', 'tabl-block')])
    expect(r.remainingCats).toEqual(['HPHSH'])
    expect(r.steps).toEqual([])
  })
})
