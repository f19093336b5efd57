// The rules combine() applies, stage by stage, pinned on hand-built inputs (issue 18: each rule
// here is one a mutant of combine.ts would break). Microsoft's precedence tables are in
// defender-office-365/how-policies-and-protections-are-combined.md (Appendix: user allows and
// blocks, tenant allows and blocks), reference §4.3-§4.6.
import { describe, expect, it } from 'vitest'
import { combine, type CombineInput } from './combine.js'
import type { ListHit } from './sender-lists.js'
import { selectPolicies } from './policies.js'
import { combineInput, makeSnapshot, type CombineOver } from './test-fixtures.js'
import { obj, Trace } from './trace.js'
import type { TablHit, TablHits } from './tabl.js'
import type { Category, TraceObject, TraceStep } from './types.js'
import { NEVER, TENANT_AND_USER, verdict, type Verdict } from './verdict.js'

const POLICY = obj('anti-spam-policy', 'Default')
const MALWARE_POLICY = obj('anti-malware-policy', 'Default')
const CF = obj('connection-filter', 'Default')
const SECOPS = obj('advanced-delivery', 'SecOps mailboxes')
const PHISH_SIM = obj('advanced-delivery', '_Exe:PhishSimOverr:1')
const HC_PHISH = { tenantAllow: false, ifMxElsewhere: true, userSafe: false }
const policies = selectPolicies(makeSnapshot(), 'alice@fabrikam.com', new Trace())

/** Filter verdicts as filter-verdicts.ts and malware.ts build them. */
const V = {
  MALW: (action = 'Quarantine') =>
    verdict('MALW', 'FileTypeAction', action, 'MalwareTag', MALWARE_POLICY, 'filter', NEVER),
  HPHSH: () =>
    verdict(
      'HPHSH',
      'HighConfidencePhishAction',
      'Quarantine',
      'HcPhishTag',
      POLICY,
      'filter',
      HC_PHISH,
    ),
  PHSH: (action = 'Quarantine') =>
    verdict('PHSH', 'PhishSpamAction', action, 'PhishTag', POLICY, 'filter', TENANT_AND_USER),
  HSPM: () =>
    verdict(
      'HSPM',
      'HighConfidenceSpamAction',
      'MoveToJmf',
      'q',
      POLICY,
      'filter',
      TENANT_AND_USER,
    ),
  SPM: (action = 'MoveToJmf') =>
    verdict('SPM', 'SpamAction', action, 'SpamTag', POLICY, 'filter', TENANT_AND_USER),
  BULK: () =>
    verdict('BULK', 'BulkSpamAction', 'MoveToJmf', 'q', POLICY, 'filter', TENANT_AND_USER),
}

const hit = (value: string, kind: TraceObject['kind'] = 'tabl-entry'): TablHit => ({
  value,
  object: obj(kind, value),
})
const listHit = (entry: string, kind: ListHit['kind'] = 'address'): ListHit => ({
  entry,
  kind,
  object: obj('user-list', entry),
})

type Over = CombineOver

/** A clean message with nothing configured, overridable per test. */
const input = (over: Over = {}): CombineInput => combineInput(policies, over)

function run(over: Over = {}) {
  const trace = new Trace()
  const out = combine(input(over), trace)
  return { out, steps: trace.steps, decisions: trace.steps.map((s) => s.decision) }
}

/** A trace step; the note is matched by a key phrase. */
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

const rule = (name = 'Vendor bypass') => ({ scl: -1, sclRule: name })

describe('combine: the detected category', () => {
  it('is the first verdict, NONE when nothing was detected', () => {
    expect(run().out.detected).toBe('NONE')
    expect(run({ verdicts: [V.SPM(), V.BULK()] }).out.detected).toBe('SPM')
  })
})

describe('combine, stage 1: the IP Block List (connection-filter-policies-configure.md)', () => {
  const block = { block: '203.0.113.0/24' }

  it('silently drops clean mail, with no SFV or SCL, decided by the connection filter', () => {
    const r = run({ connection: block })
    expect(r.out).toEqual({
      action: 'dropped',
      quarantinePolicy: null,
      category: 'NONE',
      detected: 'NONE',
      sfv: null,
      scl: null,
      allowedBy: null,
      filteringSkipped: false,
      decidedBy: CF,
    })
    expect(r.steps).toEqual([step('block', 'IP Block List: the message is silently dropped', CF)])
  })

  it('drops spam too, keeping its category', () => {
    const r = run({ connection: block, verdicts: [V.SPM()] })
    expect(r.out).toMatchObject({ action: 'dropped', category: 'SPM', detected: 'SPM' })
  })

  it('does not apply when the IP Allow List also matches: the allow wins (reference §4.5)', () => {
    const r = run({ connection: { ...block, allow: '203.0.113.10' }, verdicts: [V.SPM()] })
    expect(r.out.action).toBe('inbox')
    expect(r.out.allowedBy).toBe('ip-allow')
    expect(r.decisions).not.toContain('IP Block List: the message is silently dropped')
  })

  it('quarantines malware rather than dropping it: filter wins', () => {
    const r = run({ connection: block, verdicts: [V.MALW()] })
    expect(r.out).toEqual({
      action: 'quarantine',
      quarantinePolicy: 'MalwareTag',
      category: 'MALW',
      detected: 'MALW',
      sfv: 'NSPM',
      scl: 1,
      allowedBy: null,
      filteringSkipped: false,
      decidedBy: MALWARE_POLICY,
    })
    expect(r.steps).toEqual([
      step('block', 'IP Block List: MALW is quarantined rather than dropped', CF),
    ])
  })

  it('quarantines high-confidence phish rather than dropping it, stamped SFV:SPM SCL 9', () => {
    const r = run({ connection: block, verdicts: [V.HPHSH()] })
    expect(r.out).toMatchObject({
      action: 'quarantine',
      quarantinePolicy: 'HcPhishTag',
      category: 'HPHSH',
      sfv: 'SPM',
      scl: 9,
      decidedBy: POLICY,
    })
    expect(r.decisions).toEqual(['IP Block List: HPHSH is quarantined rather than dropped'])
  })

  it('keeps a malware rejection (FileTypeAction Reject): rejected, with no quarantine policy', () => {
    const r = run({ connection: block, verdicts: [V.MALW('Reject')] })
    expect(r.out).toMatchObject({ action: 'rejected', quarantinePolicy: null, category: 'MALW' })
    expect(r.decisions).toEqual(['IP Block List: MALW is rejected rather than dropped'])
  })

  it('flags that it runs before advanced delivery, only when advanced delivery matched', () => {
    const r = run({ connection: block, advancedDelivery: { kind: 'secops', object: SECOPS } })
    expect(r.out.action).toBe('dropped')
    expect(r.steps[0]).toEqual(
      step(
        'block',
        'The IP Block List is applied before advanced delivery',
        CF,
        /does not say whether advanced delivery beats the IP Block List/,
        true,
      ),
    )
    expect(run({ connection: block }).steps.some((s) => s.uncertain)).toBe(false)
  })
})

describe('combine, stage 2: advanced delivery (advanced-delivery-policy-configure.md)', () => {
  const secops = { kind: 'secops', object: SECOPS } as const
  const phishSim = { kind: 'phish-sim', object: PHISH_SIM } as const
  const headerNote = step(
    'headers',
    'Header values shown are what filtering would stamp',
    null,
    /no documented header stamp/,
    true,
  )

  it.each([
    ['MALW', V.MALW(), 'NSPM', 1],
    ['HPHSH', V.HPHSH(), 'SPM', 9],
    ['SPM', V.SPM(), 'SPM', 5],
    ['BULK', V.BULK(), 'SPM', 6],
  ] as const)(
    'a SecOps mailbox gets %s in the Inbox, with the filter’s SFV and SCL',
    (cat, v, sfv, scl) => {
      const r = run({ advancedDelivery: secops, verdicts: [v] })
      expect(r.out).toEqual({
        action: 'inbox',
        quarantinePolicy: null,
        category: cat,
        detected: cat,
        sfv,
        scl,
        allowedBy: 'secops',
        filteringSkipped: false,
        decidedBy: SECOPS,
      })
      expect(r.steps).toEqual([
        step(
          'allow',
          'SecOps mailbox override: delivered to the Inbox, malware filtering included',
          SECOPS,
        ),
        { ...headerNote, object: SECOPS },
      ])
    },
  )

  it('a SecOps mailbox gets clean mail stamped as clean (SFV:NSPM, SCL 1)', () => {
    const r = run({ advancedDelivery: secops })
    expect(r.out).toMatchObject({ action: 'inbox', category: 'NONE', sfv: 'NSPM', scl: 1 })
  })

  it('a SecOps mailbox wins over the recipient’s Blocked Senders', () => {
    const r = run({ advancedDelivery: secops, user: { blocked: listHit('news@contoso.com') } })
    expect(r.out).toMatchObject({ action: 'inbox', allowedBy: 'secops' })
  })

  it('a phishing simulation delivers HC phish to the Inbox and says so', () => {
    const r = run({ advancedDelivery: phishSim, verdicts: [V.HPHSH()] })
    expect(r.out).toEqual({
      action: 'inbox',
      quarantinePolicy: null,
      category: 'HPHSH',
      detected: 'HPHSH',
      sfv: 'SPM',
      scl: 9,
      allowedBy: 'phish-sim',
      filteringSkipped: false,
      decidedBy: PHISH_SIM,
    })
    expect(r.steps).toEqual([
      step(
        'allow',
        'Phishing simulation override: no filtering action, delivered to the Inbox',
        PHISH_SIM,
      ),
      { ...headerNote, object: PHISH_SIM },
    ])
  })

  it('a phishing simulation does not skip malware filtering: quarantined, and the contradiction flagged', () => {
    const r = run({ advancedDelivery: phishSim, verdicts: [V.MALW()] })
    expect(r.out).toEqual({
      action: 'quarantine',
      quarantinePolicy: 'MalwareTag',
      category: 'MALW',
      detected: 'MALW',
      sfv: 'NSPM',
      scl: 1,
      allowedBy: null,
      filteringSkipped: false,
      decidedBy: MALWARE_POLICY,
    })
    expect(r.steps).toEqual([
      step(
        'verdict',
        'Malware is still quarantined for a phishing simulation',
        MALWARE_POLICY,
        /skipped only for SecOps mailboxes; the stricter reading is applied/,
        true,
      ),
    ])
  })

  it('a phishing simulation keeps a malware rejection: rejected, with no quarantine policy', () => {
    const r = run({ advancedDelivery: phishSim, verdicts: [V.MALW('Reject')] })
    expect(r.out).toMatchObject({ action: 'rejected', quarantinePolicy: null, category: 'MALW' })
    expect(r.decisions).toEqual(['Malware is still rejected for a phishing simulation'])
  })

  it('a phishing simulation with phish only (no malware) is delivered', () => {
    const r = run({ advancedDelivery: phishSim, verdicts: [V.PHSH()] })
    expect(r.out).toMatchObject({ action: 'inbox', allowedBy: 'phish-sim', category: 'PHSH' })
  })

  it('a phishing simulation wins over the recipient’s Blocked Senders, and says so', () => {
    const blocked = listHit('news@contoso.com')
    const r = run({ advancedDelivery: phishSim, verdicts: [V.SPM()], user: { blocked } })
    expect(r.out.action).toBe('inbox')
    expect(r.steps[0]).toEqual(
      step(
        'user-lists',
        'Advanced delivery wins over the recipient’s Blocked Senders',
        blocked.object,
      ),
    )
  })

  it.each(['senderBlock', 'urlBlock', 'ipBlock', 'spoofBlock'] as const)(
    'a phishing simulation is delivered despite a TABL %s, flagged as uncertain',
    (key) => {
      const b = hit(key)
      const r = run({ advancedDelivery: phishSim, tabl: { [key]: b } })
      expect(r.out.action).toBe('inbox')
      expect(r.steps[0]).toEqual(
        step(
          'allow',
          'Advanced delivery applied despite a Tenant Allow/Block List block',
          b.object,
          /does not rank advanced delivery against TABL blocks/,
          true,
        ),
      )
    },
  )

  it('names the sender block first, then URL, IP and spoof blocks', () => {
    const all = {
      senderBlock: hit('s'),
      urlBlock: hit('u'),
      ipBlock: hit('i'),
      spoofBlock: hit('p'),
    }
    const objectOf = (tabl: Partial<TablHits>) =>
      run({ advancedDelivery: phishSim, tabl }).steps[0]?.object
    expect(objectOf(all)).toEqual(all.senderBlock.object)
    expect(objectOf({ ...all, senderBlock: null })).toEqual(all.urlBlock.object)
    expect(objectOf({ ...all, senderBlock: null, urlBlock: null })).toEqual(all.ipBlock.object)
  })

  it('a phishing simulation without blocks or Blocked Senders adds no uncertainty of its own', () => {
    const r = run({ advancedDelivery: phishSim, verdicts: [V.SPM()] })
    expect(r.steps.filter((s) => s.uncertain).map((s) => s.stage)).toEqual(['headers'])
  })
})

describe('combine, stages 3-4: the stamp after blocks and allows (reference §4.6)', () => {
  it('clean mail: Inbox, SFV:NSPM, SCL 1, nothing decided, filtering not skipped', () => {
    const r = run()
    expect(r.out).toEqual({
      action: 'inbox',
      quarantinePolicy: null,
      category: 'NONE',
      detected: 'NONE',
      sfv: 'NSPM',
      scl: 1,
      allowedBy: null,
      filteringSkipped: false,
      decidedBy: null,
    })
    expect(r.steps).toEqual([step('verdict', 'Delivered to the Inbox', null)])
  })

  it('a filter verdict stands with its action, SFV:SPM and the SCL of its category', () => {
    const r = run({ verdicts: [V.SPM()] })
    expect(r.out).toEqual({
      action: 'junk',
      quarantinePolicy: null,
      category: 'SPM',
      detected: 'SPM',
      sfv: 'SPM',
      scl: 5,
      allowedBy: null,
      filteringSkipped: false,
      decidedBy: POLICY,
    })
    expect(r.steps).toEqual([
      step('verdict', 'SPM: delivered to Junk Email (SpamAction=MoveToJmf)', POLICY),
    ])
  })

  it('a quarantined verdict carries its quarantine policy', () => {
    const r = run({ verdicts: [V.PHSH()] })
    expect(r.out).toMatchObject({ action: 'quarantine', quarantinePolicy: 'PhishTag' })
  })

  it('names a quarantine policy only when the message is quarantined', () => {
    const odd: Verdict = { ...V.SPM(), quarantineTag: 'SpamTag' }
    expect(run({ verdicts: [odd] }).out).toMatchObject({ action: 'junk', quarantinePolicy: null })
  })

  it('a mail flow rule SCL -1 skips filtering: SFV:SKN, SCL -1, the rule decides', () => {
    const r = run({ verdicts: [V.SPM()], rules: rule() })
    const ruleObject = obj('transport-rule', 'Vendor bypass')
    expect(r.out).toEqual({
      action: 'inbox',
      quarantinePolicy: null,
      category: 'NONE',
      detected: 'SPM',
      sfv: 'SKN',
      scl: -1,
      allowedBy: 'transport-rule',
      filteringSkipped: true,
      decidedBy: ruleObject,
    })
    expect(r.steps).toContainEqual(
      step('headers', 'SCL -1 requested by the rule', ruleObject, /may read 0 or 1; SFV:SKN/),
    )
    expect(r.steps.at(-1)).toEqual(
      step(
        'verdict',
        "Delivered to the Inbox: mail flow rule 'Vendor bypass' (SCL -1)",
        ruleObject,
      ),
    )
  })

  it('only a rule allow notes the SCL -1 stamp', () => {
    const r = run({ verdicts: [V.SPM()], connection: { allow: '203.0.113.10' } })
    expect(r.out).toMatchObject({ sfv: 'SKN', scl: -1, allowedBy: 'ip-allow' })
    expect(r.decisions).not.toContain('SCL -1 requested by the rule')
  })

  it('a Tenant Allow/Block List allow delivers without skipping filtering (SFV:NSPM)', () => {
    const r = run({ verdicts: [V.SPM()], tabl: { senderAllow: hit('contoso.com') } })
    expect(r.out).toMatchObject({
      action: 'inbox',
      sfv: 'NSPM',
      scl: -1,
      allowedBy: 'tabl-allow',
      filteringSkipped: false,
    })
  })

  it('an allow that cannot override the verdict keeps its stamp but is not credited', () => {
    const r = run({ verdicts: [V.MALW()], rules: rule() })
    expect(r.out).toMatchObject({
      action: 'quarantine',
      category: 'MALW',
      sfv: 'SKN',
      scl: -1,
      allowedBy: null,
      filteringSkipped: true,
      decidedBy: MALWARE_POLICY,
    })
  })

  it.each([
    [5, 'SPM'],
    [6, 'SPM'],
    [7, 'HSPM'],
    [9, 'HSPM'],
  ] as const)('a mail flow rule block (SCL %i) is stamped SFV:SKS with that SCL', (scl, cat) => {
    const r = run({ rules: { scl, sclRule: 'Block rule' } })
    expect(r.out).toMatchObject({
      action: 'junk',
      category: cat,
      sfv: 'SKS',
      scl,
      filteringSkipped: false,
    })
  })

  it('an anti-spam blocked sender is stamped SFV:SKB, SCL 6', () => {
    const block = listHit('news@contoso.com')
    const r = run({ antiSpamLists: { allow: null, block } })
    expect(r.out).toMatchObject({ action: 'junk', category: 'SPM', sfv: 'SKB', scl: 6 })
  })

  it('a verdict under a block keeps the block’s stamp only when the block is the verdict', () => {
    // Phish outranks the rule's spam: the phish verdict stands, stamped by the filter.
    const r = run({ verdicts: [V.PHSH()], rules: { scl: 6, sclRule: 'Block rule' } })
    expect(r.out).toMatchObject({ action: 'quarantine', category: 'PHSH', sfv: 'SPM', scl: 5 })
  })
})

describe('combine, stage 5a: the recipient’s lists on a standing verdict', () => {
  const safe = listHit('news@contoso.com')
  const safeDomain = listHit('contoso.com', 'domain')
  const blocked = listHit('news@contoso.com')

  it('Safe Senders deliver spam to the Inbox: SFV:SFE, SCL -1, credited to the user', () => {
    const r = run({ verdicts: [V.SPM()], user: { safe } })
    expect(r.out).toEqual({
      action: 'inbox',
      quarantinePolicy: null,
      category: 'SPM',
      detected: 'SPM',
      sfv: 'SFE',
      scl: -1,
      allowedBy: 'user-safe',
      filteringSkipped: false,
      decidedBy: safe.object,
    })
    expect(r.steps).toEqual([
      step(
        'user-lists',
        "Safe Senders ('news@contoso.com') override SPM: delivered to the Inbox",
        safe.object,
      ),
    ])
  })

  it.each([
    ['MALW', V.MALW()],
    ['HPHSH', V.HPHSH()],
  ] as const)('Safe Senders never override %s (filter wins)', (cat, v) => {
    const r = run({ verdicts: [v], user: { safe } })
    expect(r.out).toMatchObject({ action: 'quarantine', category: cat, allowedBy: null })
    expect(r.steps[0]).toEqual(
      step('user-lists', `Safe Senders do not override ${cat}`, safe.object),
    )
  })

  it('Safe Senders deliver HC phish when the MX points elsewhere (secure-by-default.md)', () => {
    const r = run({ verdicts: [V.HPHSH()], user: { safe }, complexRouting: true })
    expect(r.out).toMatchObject({ action: 'inbox', sfv: 'SFE', allowedBy: 'user-safe' })
  })

  it('complex routing does not let Safe Senders deliver malware', () => {
    const r = run({ verdicts: [V.MALW()], user: { safe }, complexRouting: true })
    expect(r.out.action).toBe('quarantine')
  })

  it('Safe Senders do not override a Tenant Allow/Block List block, and say which', () => {
    const r = run({ user: { safe }, tabl: { senderBlock: hit('contoso.com') } })
    expect(r.out).toMatchObject({ action: 'quarantine', category: 'HPHSH', sfv: 'SPM' })
    expect(r.decisions).toContain('Safe Senders do not override a Tenant Allow/Block List block')
  })

  it('Safe Senders do not override a spoofed-sender block, named as a TABL block', () => {
    const r = run({ user: { safe }, tabl: { spoofBlock: hit('spoof', 'tabl-spoof-entry') } })
    expect(r.out.category).toBe('SPOOF')
    expect(r.out.sfv).not.toBe('SFE')
    expect(r.decisions).toContain('Safe Senders do not override a Tenant Allow/Block List block')
  })

  it('a Safe Senders domain entry is ignored when the policy action is Quarantine', () => {
    const r = run({ verdicts: [V.PHSH()], user: { safe: safeDomain } })
    expect(r.out).toMatchObject({ action: 'quarantine', sfv: 'SPM', decidedBy: POLICY })
    expect(r.steps).toEqual([
      step(
        'user-lists',
        "Safe Senders domain entry 'contoso.com' ignored: the policy action is Quarantine",
        safeDomain.object,
      ),
      step('verdict', 'PHSH: quarantined (PhishSpamAction=Quarantine)', POLICY),
    ])
  })

  it('a Safe Senders domain entry works when the action is Junk; an address works under Quarantine', () => {
    expect(run({ verdicts: [V.SPM()], user: { safe: safeDomain } }).out.sfv).toBe('SFE')
    expect(run({ verdicts: [V.PHSH()], user: { safe } }).out.sfv).toBe('SFE')
  })

  it('Safe Senders beat Blocked Senders', () => {
    const r = run({ verdicts: [V.SPM()], user: { safe, blocked } })
    expect(r.out).toMatchObject({ action: 'inbox', sfv: 'SFE' })
  })

  it('Blocked Senders leave spam to the policy action (Junk), stamped SFV:BLK SCL 6', () => {
    const r = run({ verdicts: [V.SPM()], user: { blocked } })
    expect(r.out).toMatchObject({ action: 'junk', sfv: 'BLK', scl: 6, decidedBy: POLICY })
    expect(r.steps).toEqual([
      step('user-lists', "Blocked Senders ('news@contoso.com'): Junk", blocked.object),
      step('verdict', 'SPM: delivered to Junk Email (SpamAction=MoveToJmf)', POLICY),
    ])
  })

  it('Blocked Senders send a verdict whose action delivers to Junk instead', () => {
    const r = run({ verdicts: [V.SPM('NoAction')], user: { blocked } })
    expect(r.out).toMatchObject({ action: 'junk', sfv: 'BLK', scl: 6, decidedBy: blocked.object })
    expect(r.decisions).toEqual([
      "Blocked Senders ('news@contoso.com'): Junk",
      'SPM: delivered to Junk Email (SpamAction=NoAction)',
    ])
  })

  it('Blocked Senders keep a phish quarantine (the policy decides), and say so', () => {
    const r = run({ verdicts: [V.PHSH()], user: { blocked } })
    expect(r.out).toMatchObject({
      action: 'quarantine',
      sfv: 'BLK',
      scl: 6,
      quarantinePolicy: 'PhishTag',
      decidedBy: POLICY,
    })
    expect(r.steps).toEqual([
      step(
        'user-lists',
        "Blocked Senders ('news@contoso.com'): the policy action (PhishSpamAction=Quarantine)",
        blocked.object,
      ),
      step('verdict', 'PHSH: quarantined (PhishSpamAction=Quarantine)', POLICY),
    ])
  })

  it.each([
    ['MALW', V.MALW(), 'NSPM', 1],
    ['HPHSH', V.HPHSH(), 'SPM', 9],
  ] as const)('Blocked Senders do not touch %s: the filter’s stamp stays', (_cat, v, sfv, scl) => {
    const r = run({ verdicts: [v], user: { blocked } })
    expect(r.out).toMatchObject({ action: 'quarantine', sfv, scl })
    expect(r.steps.some((s) => s.stage === 'user-lists')).toBe(false)
  })

  it('Blocked Senders do not touch a Tenant Allow/Block List block', () => {
    const r = run({ user: { blocked }, tabl: { senderBlock: hit('contoso.com') } })
    expect(r.out).toMatchObject({ action: 'quarantine', sfv: 'SPM', scl: 9 })
    expect(r.steps.some((s) => s.stage === 'user-lists')).toBe(false)
  })

  it('Blocked Senders do stamp a spoofed-sender block (it is not a TABL block verdict)', () => {
    const r = run({ user: { blocked }, tabl: { spoofBlock: hit('spoof', 'tabl-spoof-entry') } })
    expect(r.out).toMatchObject({ category: 'SPOOF', sfv: 'BLK', scl: 6 })
  })
})

describe('combine, stage 5b: the recipient’s lists when nothing stands', () => {
  const safe = listHit('news@contoso.com')
  const blocked = listHit('news@contoso.com')

  it('Blocked Senders junk clean mail: SFV:BLK, SCL 6', () => {
    const r = run({ user: { blocked } })
    expect(r.out).toEqual({
      action: 'junk',
      quarantinePolicy: null,
      category: 'NONE',
      detected: 'NONE',
      sfv: 'BLK',
      scl: 6,
      allowedBy: null,
      filteringSkipped: false,
      decidedBy: blocked.object,
    })
    expect(r.steps).toEqual([
      step('user-lists', "Blocked Senders ('news@contoso.com'): Junk", blocked.object),
    ])
  })

  it('Blocked Senders beat a tenant allow: Junk, the allow not credited', () => {
    const r = run({ verdicts: [V.SPM()], user: { blocked }, rules: rule() })
    expect(r.out).toMatchObject({
      action: 'junk',
      sfv: 'BLK',
      scl: 6,
      allowedBy: null,
      filteringSkipped: true,
      decidedBy: blocked.object,
    })
    expect(r.decisions.at(-1)).toBe(
      "Blocked Senders ('news@contoso.com') beat the tenant allow: Junk",
    )
  })

  it('Safe Senders skip filtering of clean mail: SFV:SFE, SCL -1, decided by the list', () => {
    const r = run({ user: { safe } })
    expect(r.out).toEqual({
      action: 'inbox',
      quarantinePolicy: null,
      category: 'NONE',
      detected: 'NONE',
      sfv: 'SFE',
      scl: -1,
      allowedBy: 'user-safe',
      filteringSkipped: false,
      decidedBy: safe.object,
    })
    expect(r.steps).toEqual([
      step('user-lists', "Safe Senders ('news@contoso.com'): filtering skipped", safe.object),
      step('verdict', 'Delivered to the Inbox', null),
    ])
  })

  it('a tenant allow, not Safe Senders, is credited when both match', () => {
    const r = run({ verdicts: [V.SPM()], user: { safe }, rules: rule() })
    expect(r.out).toMatchObject({
      sfv: 'SKN',
      allowedBy: 'transport-rule',
      decidedBy: obj('transport-rule', 'Vendor bypass'),
    })
    expect(r.steps.some((s) => s.stage === 'user-lists')).toBe(false)
  })

  it('an allowed message lands with the category NONE whatever was detected', () => {
    const cats: Category[] = ['PHSH', 'HSPM', 'SPM', 'BULK']
    for (const cat of cats) {
      const v = V[cat as 'PHSH' | 'HSPM' | 'SPM' | 'BULK']()
      expect(run({ verdicts: [v], rules: rule() }).out).toMatchObject({
        category: 'NONE',
        detected: cat,
      })
    }
  })
})
