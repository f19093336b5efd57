/**
 * Review's grouping of alike changes (web/src/review/group.ts), outside the browser: which changes
 * share a card, what the card says once and what each entry keeps, and that no change is lost.
 * (web/ has no test runner of its own: its pure helpers are tested here.)
 */
import { describe, expect, it } from 'vitest'
import {
  commandCount,
  expiryOf,
  firstSentence,
  groupChanges,
  splitFields,
  type Groupable,
} from '../../web/src/review/group.js'

const URL_REASON =
  'Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.'

function urlAllow(id: string, url: string): Groupable {
  return {
    id,
    surface: 'tabl-item',
    op: 'create',
    summary: `Allow URL ${url} in the Tenant Allow/Block List (kept until 45 days after last use)`,
    risk: { level: 'low', reason: URL_REASON },
    before: null,
    after: {
      ListType: 'Url',
      Action: 'Allow',
      Value: url,
      RemoveAfter: 45,
      Notes: 'managed-by=passage vendor=contactmonkey',
    },
  }
}

function quarantineTag(id: string, policy: string, before: string): Groupable {
  return {
    id,
    surface: 'anti-spam',
    op: 'update',
    summary: `Use quarantine policy 'notify' for spam in '${policy}'`,
    risk: { level: 'low', reason: 'Users are told about held spam.' },
    before: { Name: policy, SpamQuarantineTag: before },
    after: { Name: policy, SpamQuarantineTag: 'notify' },
    set: { SpamQuarantineTag: 'notify' },
  }
}

const rule: Groupable = {
  id: 'c09',
  surface: 'transport-rule',
  op: 'create',
  summary: 'Create mail flow rule to bypass spam filtering',
  risk: { level: 'medium', reason: 'Skips spam filtering.' },
  before: null,
  after: { Name: 'bypass', SetSCL: -1 },
}

const URLS = [
  'daer.contactmonkey.org',
  'daer.contactmonkey.org/*',
  'contactmonkey.com',
  'contactmonkey.com/*',
]

describe('groupChanges', () => {
  const plan = [
    quarantineTag('c02', 'Default', 'DefaultFullAccessPolicy'),
    quarantineTag('c03', 'Contoso Sales Anti-spam', 'DefaultFullAccessPolicy'),
    ...URLS.map((u, i) => urlAllow(`c0${i + 5}`, u)),
    rule,
  ]

  it('puts changes sharing a surface, an operation and a reason on one card, in plan order', () => {
    const groups = groupChanges(plan)
    expect(groups.map((g) => g.changes.map((c) => c.id))).toEqual([
      ['c02', 'c03'],
      ['c05', 'c06', 'c07', 'c08'],
      ['c09'],
    ])
    // No change is lost or shown twice.
    expect(groups.flatMap((g) => g.changes).length).toBe(plan.length)
  })

  it('says the words the summaries share once, and keeps each entry its own (the URL)', () => {
    const urls = groupChanges(plan)[1]!
    expect(urls.head).toBe('Allow URL')
    expect(urls.tail).toBe('in the Tenant Allow/Block List (kept until 45 days after last use)')
    expect(urls.labels).toEqual(URLS)
    const tags = groupChanges(plan)[0]!
    expect(tags.head).toBe("Use quarantine policy 'notify' for spam in")
    expect(tags.labels).toEqual(["'Default'", "'Contoso Sales Anti-spam'"])
  })

  it('keeps apart changes that differ in reason, in operation or in surface', () => {
    const other = {
      ...urlAllow('c10', 'x.example'),
      risk: { level: 'low' as const, reason: 'Other.' },
    }
    const removal = { ...urlAllow('c11', 'y.example'), op: 'remove' as const }
    const spoof = { ...urlAllow('c12', 'z.example'), surface: 'tabl-spoof' }
    const groups = groupChanges([urlAllow('c05', URLS[0]!), other, removal, spoof])
    expect(groups.map((g) => g.changes.length)).toEqual([1, 1, 1, 1])
    // A card of one says its whole summary.
    expect(groups[0]!.labels).toEqual([urlAllow('c05', URLS[0]!).summary])
  })

  it('lists whole summaries when alike changes share no words at their ends', () => {
    const a = { ...urlAllow('c01', 'a.example'), summary: 'Allow a.example' }
    const b = { ...urlAllow('c02', 'b.example'), summary: 'Permit b.example too' }
    const [g] = groupChanges([a, b])
    expect(g!.head).toBe('')
    expect(g!.tail).toBe('')
    expect(g!.labels).toEqual(['Allow a.example', 'Permit b.example too'])
  })

  it('takes the highest risk for the card and says when its entries differ in risk', () => {
    const high = {
      ...urlAllow('c06', URLS[1]!),
      risk: { level: 'high' as const, reason: URL_REASON },
    }
    const [g] = groupChanges([urlAllow('c05', URLS[0]!), high])
    expect(g!.risk).toBe('high')
    expect(g!.riskDiffers).toBe(true)
    expect(groupChanges(plan)[1]!.riskDiffers).toBe(false)
  })
})

describe('splitFields', () => {
  it('says once what every URL allow sets alike, and repeats neither the URL nor the expiry', () => {
    const g = groupChanges(URLS.map((u, i) => urlAllow(`c${i}`, u)))[0]!
    const { shared, varying } = splitFields(g.changes, g.labels)
    expect(shared.map((f) => f.field)).toEqual(['ListType', 'Action', 'Notes'])
    expect(varying).toEqual([])
  })

  it('shows per entry a setting whose value before differs', () => {
    const g = groupChanges([
      quarantineTag('c02', 'Default', 'DefaultFullAccessPolicy'),
      quarantineTag('c03', 'Sales', 'AdminOnlyAccessPolicy'),
    ])[0]!
    const { shared, varying } = splitFields(g.changes, g.labels)
    expect(shared).toEqual([])
    expect(varying).toEqual(['SpamQuarantineTag'])
  })
})

describe('expiryOf', () => {
  it('reads -RemoveAfter, -NoExpiration and -ExpirationDate of New-TenantAllowBlockListItems', () => {
    expect(expiryOf({ RemoveAfter: 45 })).toBe('45 days after last use')
    expect(expiryOf({ NoExpiration: true })).toBe('never')
    expect(expiryOf({ ExpirationDate: '2027-01-05T00:00:00Z' })).toBe('on 2027-01-05')
    expect(expiryOf({ Name: 'rule' })).toBeNull()
    expect(expiryOf(null)).toBeNull()
  })
})

describe('firstSentence', () => {
  it('shows a short explanation whole and folds a long one after its first sentence', () => {
    expect(firstSentence('Users are told.')).toEqual({ lead: 'Users are told.', rest: '' })
    const long =
      'Skips spam filtering for mail from the vendor’s IPs (and only when DMARC passes). With MX at Microsoft 365 malware and high-confidence phish are still quarantined. Scanners flag every SCL -1 rule.'
    const { lead, rest } = firstSentence(long)
    expect(lead).toBe(
      'Skips spam filtering for mail from the vendor’s IPs (and only when DMARC passes).',
    )
    expect(`${lead} ${rest}`).toBe(long)
  })
})

describe('commandCount', () => {
  it('counts the commands of a script, not its comments or blank lines', () => {
    expect(commandCount("# [c01] Add\n# risk low: x\nNew-X -A 'b'\n\nSet-Y -C 1")).toBe(2)
    expect(commandCount('# only comments')).toBe(0)
  })
})
