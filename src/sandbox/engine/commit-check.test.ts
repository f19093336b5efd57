import { describe, expect, it } from 'vitest'
import { zodIssues } from '../../core/errors/validation.js'
import { TenantSnapshot } from '../../core/model/snapshot.js'
import { seedWorld } from '../seed/index.js'
import { checkAfterWrite } from './commit-check.js'
import { createDraft } from './draft.js'

/** A valid tenant as the engine holds it: the schema's own output. */
const tenant = () => TenantSnapshot.parse(seedWorld().tenants[1]!.snapshot)

/** Runs an edit on a draft of `prev`: the incremental check and a full parse of the result. */
function both(prev: TenantSnapshot, edit: (s: TenantSnapshot) => void) {
  const d = createDraft(prev)
  edit(d.root)
  const next = d.finish()
  return { next, fast: checkAfterWrite(prev, next), full: TenantSnapshot.safeParse(next) }
}

const issuesOf = (r: ReturnType<typeof checkAfterWrite>) =>
  r.success ? [] : zodIssues(r.error).map((i) => `${i.path}: ${i.message}`)

type Edit = [string, (s: TenantSnapshot) => void]
const EDITS: Edit[] = [
  [
    'adds an allow/block entry',
    (s) =>
      s.state.tabl.items.push({
        Identity: 'RgAAAAAnew',
        ListType: 'Sender',
        ListSubType: 'Tenant',
        Action: 'Block',
        Value: 'bad.example',
        ExpirationDate: null,
        RemoveAfter: null,
        LastUsedDate: null,
        Notes: null,
      }),
  ],
  [
    'adds an entry without its defaulted subtype',
    (s) =>
      s.state.tabl.items.push({ ListType: 'Url', Action: 'Block', Value: 'x.example/*' } as never),
  ],
  [
    'puts a new entry in the place of an old one',
    (s) => {
      s.state.tabl.items[0] = { ListType: 'Url', Action: 'Block', Value: 'y.example/*' } as never
    },
  ],
  [
    'sets an optional field to undefined',
    (s) => {
      s.state.tabl.items[1]!.Notes = undefined
    },
  ],
  [
    'edits a rule in place',
    (s) => {
      s.state.transportRules[0]!.Comments = 'changed'
    },
  ],
  [
    'inserts a rule at priority 0 and renumbers the rest (each compared with its old self)',
    (s) => {
      const rules = s.state.transportRules
      rules.unshift({ ...rules[0]!, Name: 'inserted first', Priority: 0 })
      rules.forEach((r, i) => (r.Priority = i))
    },
  ],
  [
    'inserts a rule at priority 0 and breaks a moved one',
    (s) => {
      const rules = s.state.transportRules
      rules.unshift({ ...rules[0]!, Name: 'inserted first', Priority: 0 })
      rules.forEach((r, i) => (r.Priority = i))
      ;(rules[1] as { Mode: string }).Mode = 'Sometimes'
    },
  ],
  [
    'removes a rule and renumbers',
    (s) => {
      s.state.transportRules.splice(0, 1)
      s.state.transportRules.forEach((r, i) => (r.Priority = i))
    },
  ],
  [
    'changes a singleton policy',
    (s) => {
      s.state.connectionFilter.IPAllowList = ['192.0.2.1']
    },
  ],
  [
    'deletes an optional field',
    (s) => {
      delete (s.state.tabl.items[0] as { Notes?: unknown }).Notes
    },
  ],
  // Refused: a field of the wrong type, a missing required field, the snapshot-wide rules.
  [
    'gives an entry an unknown list type',
    (s) => {
      ;(s.state.tabl.items[0] as { ListType: string }).ListType = 'Phone'
    },
  ],
  [
    'empties a required value',
    (s) => {
      s.state.tabl.items[0]!.Value = ''
    },
  ],
  [
    'names two rules alike',
    (s) => {
      s.state.transportRules[1]!.Name = s.state.transportRules[0]!.Name
    },
  ],
  [
    'leaves a priority out of range',
    (s) => {
      s.state.transportRules[0]!.Priority = 99
    },
  ],
  [
    'removes the accepted domains',
    (s) => {
      s.acceptedDomains.splice(0)
    },
  ],
  [
    'breaks a field and names two rules alike',
    (s) => {
      s.tenant.name = 'not-an-onmicrosoft-name'
      s.state.transportRules[1]!.Name = s.state.transportRules[0]!.Name
    },
  ],
]

describe('validating only what a write changed', () => {
  it.each(EDITS)('gives what a full parse gives when a write %s', (_what, edit) => {
    const prev = tenant()
    expect(prev.state.tabl.items.length).toBeGreaterThan(0)
    expect(prev.state.transportRules.length).toBeGreaterThan(1)
    const { fast, full } = both(prev, edit)
    expect(fast.success).toBe(full.success)
    if (fast.success && full.success)
      expect(JSON.stringify(fast.data)).toBe(JSON.stringify(full.data))
    else expect(issuesOf(fast)).toEqual(issuesOf(full as ReturnType<typeof checkAfterWrite>))
  })

  it('keeps the objects a write left alone (they are not parsed again)', () => {
    const prev = tenant()
    const { fast } = both(prev, (s) => {
      s.state.transportRules[0]!.Comments = 'changed'
    })
    if (!fast.success) throw new Error('expected success')
    expect(fast.data.state.tabl).toBe(prev.state.tabl)
    expect(fast.data.state.transportRules[1]).toBe(prev.state.transportRules[1])
    expect(fast.data.state.transportRules[0]).not.toBe(prev.state.transportRules[0])
    expect(fast.data.state.transportRules[0]?.Comments).toBe('changed')
  })

  it('answers an unchanged tenant with itself', () => {
    const prev = tenant()
    expect(checkAfterWrite(prev, prev)).toEqual({ success: true, data: prev })
  })
})
