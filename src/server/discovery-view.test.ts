/**
 * Discovery as the wizard shows it, when it learnt everything from Exchange (one sign-in with
 * Microsoft's default apps, issue 14): how the licence is known, who each preset's groups hold,
 * and what could not be learnt, in words for a web user.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSnapshot } from '../app/snapshot-file.js'
import { discoveryView, type DiscoveryInput } from './views.js'

const snapshot = loadSnapshot(
  join(import.meta.dirname, '..', '..', 'examples', 'defender-p2-standard-preset.json'),
)

const input = (over: Partial<DiscoveryInput> = {}): DiscoveryInput => ({
  snapshot,
  roles: { roles: ['Exchange Administrator'], source: 'token' },
  defenderFrom: [],
  mxSource: 'connector',
  mxLookup: 'skipped',
  coManagers: [],
  calls: 20,
  ms: 100,
  ...over,
})

describe('discoveryView without Microsoft Graph', () => {
  it('says the licence was assumed from the Defender settings, not read from subscriptions', () => {
    const v = discoveryView(input({ licenceSource: 'cmdlets' }), 'exchange@contoso.com', [])
    expect(v.licence.how).toBe(
      'Assumed from the Defender settings your tenant has: Plan 1 and Plan 2 cannot be told apart this way.',
    )
    expect(discoveryView(input(), 'a@contoso.com', []).licence.how).toBe(
      'Read from your subscriptions.',
    )
  })

  it('counts the people in each group a preset covers, and says where they were read', () => {
    const v = discoveryView(input({ groupsSource: 'exchange' }), 'exchange@contoso.com', [])
    const standard = v.presets.find((p) => p.groups.length > 0)
    expect(standard?.groups).toEqual([{ address: 'finance@contoso.com', members: 3 }])
    expect(v.groupsFrom).toBe('Exchange Online')
  })

  it('says a group whose members are unknown as unknown, never as empty', () => {
    const bare = { ...snapshot, directory: { groups: [] } }
    const v = discoveryView(input({ snapshot: bare, groupsSource: null }), 'a@contoso.com', [])
    const groups = v.presets.flatMap((p) => p.groups)
    expect(groups.length).toBeGreaterThan(0)
    for (const g of groups) expect(g).toEqual({ address: 'finance@contoso.com', members: null })
    expect(v.groupsFrom).toBeNull()
  })

  it('shows each note as a sentence, without error codes or ids', () => {
    const v = discoveryView(
      input({
        degraded: [
          'group members unknown: Graph refused (PASSAGE_E_GRAPH_DENIED: client 14d82eec-204b-4c2f-b7e8-296a70dab67e said no) and Exchange refused (PASSAGE_E_EXO_ROLE_MISSING: no); who a preset or policy covers cannot be simulated per recipient',
        ],
      }),
      'a@contoso.com',
      [],
    )
    expect(v.notes).toEqual([
      'Group members unknown: Graph refused (client (an id) said no) and Exchange refused (no); who a preset or policy covers cannot be simulated per recipient.',
    ])
  })
})
