import { describe, expect, it } from 'vitest'
import {
  domainRelation,
  groupMembers,
  isAcceptedDomain,
  matchRecipientScope,
  matchSenderList,
  oneSidedNote,
} from './match.js'
import { makeSnapshot } from './test-fixtures.js'

// The matching rules shared by the sender lists, the policies' recipient conditions and the mail
// flow rules (issue 18: each rule pinned by the test that states it).

const senders = { mailFrom: 'bounce@mail.contoso.com', headerFrom: 'news@contoso.com' }

describe('domainRelation', () => {
  it('is exact for the same domain, whatever the case, trailing dot or leading `*.`', () => {
    expect(domainRelation('Contoso.COM.', '*.contoso.com')).toBe('exact')
  })

  it('is subdomain only under a dot boundary', () => {
    expect(domainRelation('mail.contoso.com', 'contoso.com')).toBe('subdomain')
    expect(domainRelation('badcontoso.com', 'contoso.com')).toBeNull()
    expect(domainRelation('contoso.com', 'mail.contoso.com')).toBeNull()
  })

  it('relates nothing to an empty domain or entry', () => {
    expect(domainRelation('', 'contoso.com')).toBeNull()
    expect(domainRelation('contoso.com', '  ')).toBeNull()
    // Two empty texts are equal, but neither is a domain.
    expect(domainRelation('', '')).toBeNull()
    // Not even a domain left ending in a dot (after its one trailing dot is stripped).
    expect(domainRelation('example..', ' ')).toBeNull()
  })
})

describe('matchSenderList', () => {
  it('matches an address entry against both addresses, case-insensitively, and names each', () => {
    const both = matchSenderList(['  News@Contoso.com '], {
      mailFrom: 'news@contoso.com',
      headerFrom: 'news@contoso.com',
    })
    expect(both).toEqual({
      hit: { entry: '  News@Contoso.com ', via: ['MAIL FROM', 'From'], kind: 'address' },
      misses: [],
    })
    expect(matchSenderList(['bounce@mail.contoso.com'], senders).hit).toEqual({
      entry: 'bounce@mail.contoso.com',
      via: ['MAIL FROM'],
      kind: 'address',
    })
  })

  it('matches an address entry as a whole address, never by domain', () => {
    expect(matchSenderList(['other@contoso.com'], senders).hit).toBeNull()
  })

  it('matches a domain entry on the exact domain only; a subdomain is a miss it reports', () => {
    const r = matchSenderList(['Contoso.com'], senders)
    expect(r.hit).toEqual({ entry: 'Contoso.com', via: ['From'], kind: 'domain' })
    // MAIL FROM's domain mail.contoso.com is under the entry: reported, not matched.
    expect(r.misses).toEqual([{ entry: 'Contoso.com', address: 'bounce@mail.contoso.com' }])
    expect(matchSenderList(['mail.contoso.com'], senders).hit?.via).toEqual(['MAIL FROM'])
  })

  it('ignores blank entries and takes the first entry that matches', () => {
    const r = matchSenderList(
      ['', '   ', 'fabrikam.com', 'contoso.com', 'news@contoso.com'],
      senders,
    )
    expect(r.hit?.entry).toBe('contoso.com')
  })

  it('ms-rule eval.lists.from-only: with fromOnly, only the From address is looked at', () => {
    expect(matchSenderList(['mail.contoso.com'], senders, true)).toEqual({ hit: null, misses: [] })
    expect(matchSenderList(['bounce@mail.contoso.com'], senders, true).hit).toBeNull()
    expect(matchSenderList(['contoso.com'], senders, true)).toEqual({
      hit: { entry: 'contoso.com', via: ['From'], kind: 'domain' },
      misses: [],
    })
    // Without fromOnly the envelope is looked at too.
    expect(matchSenderList(['mail.contoso.com'], senders).hit?.via).toEqual(['MAIL FROM'])
  })

  it('reports no hit when nothing matches', () => {
    expect(matchSenderList(['fabrikam.com'], senders)).toEqual({ hit: null, misses: [] })
  })
})

describe('oneSidedNote', () => {
  it('says nothing when both addresses matched', () => {
    expect(oneSidedNote({ entry: 'a@b.com', via: ['MAIL FROM', 'From'], kind: 'address' })).toBe(
      null,
    )
  })

  it('names the entry and the one address it matched', () => {
    expect(oneSidedNote({ entry: 'contoso.com', via: ['From'], kind: 'domain' })).toBe(
      "'contoso.com' matched the From address only; the reference does not say whether this list checks the envelope sender, the From header or both, so the match is applied",
    )
  })
})

/** A chain of groups g0 ⊃ g1 ⊃ ... ⊃ g11, each with one user of its own. */
const chain = makeSnapshot({
  directory: {
    groups: Array.from({ length: 12 }, (_, i) => ({
      address: `G${i}@fabrikam.com`,
      members: [`User${i}@fabrikam.com`, ...(i < 11 ? [`g${i + 1}@fabrikam.com`] : [])],
    })),
  },
})

describe('groupMembers', () => {
  it('finds the group case-insensitively and lower-cases its members', () => {
    const m = groupMembers(chain, 'g11@FABRIKAM.com')
    expect(m && [...m]).toEqual(['user11@fabrikam.com'])
  })

  it('is null for a group the directory does not list', () => {
    expect(groupMembers(chain, 'nobody@fabrikam.com')).toBeNull()
  })

  it('expands nested groups down to depth 8, and no further', () => {
    const m = groupMembers(chain, 'g0@fabrikam.com')
    // g0 at depth 0 ... g8 at depth 8: their users and the groups they name, not g9's members.
    for (let i = 0; i <= 8; i++) expect(m?.has(`user${i}@fabrikam.com`)).toBe(true)
    expect(m?.has('g9@fabrikam.com')).toBe(true)
    expect(m?.has('user9@fabrikam.com')).toBe(false)
    expect(m?.size).toBe(18)
  })

  it('stops on a cycle of groups', () => {
    const s = makeSnapshot({
      directory: {
        groups: [
          { address: 'a@fabrikam.com', members: ['b@fabrikam.com', 'x@fabrikam.com'] },
          { address: 'b@fabrikam.com', members: ['a@fabrikam.com'] },
        ],
      },
    })
    expect([...(groupMembers(s, 'a@fabrikam.com') ?? [])].sort()).toEqual([
      'a@fabrikam.com',
      'b@fabrikam.com',
      'x@fabrikam.com',
    ])
  })
})

const dir = makeSnapshot({
  directory: {
    groups: [
      { address: 'finance@fabrikam.com', members: ['alice@fabrikam.com'] },
      { address: 'sales@fabrikam.com', members: ['bob@fabrikam.com'] },
    ],
  },
})
const alice = 'Alice@Fabrikam.com'

describe('matchRecipientScope', () => {
  it('matches everyone when there is no include condition', () => {
    expect(matchRecipientScope({}, alice, dir)).toEqual({
      matched: true,
      why: 'no recipient conditions (everyone)',
      unknownGroups: [],
    })
  })

  it('matches SentTo case-insensitively, ignoring spaces, and says which address', () => {
    expect(
      matchRecipientScope({ SentTo: ['x@fabrikam.com', ' alice@FABRIKAM.com '] }, alice, dir),
    ).toEqual({ matched: true, why: 'sent to  alice@FABRIKAM.com ', unknownGroups: [] })
    expect(matchRecipientScope({ SentTo: ['x@fabrikam.com'] }, alice, dir)).toEqual({
      matched: false,
      why: 'recipient not in SentTo',
      unknownGroups: [],
    })
  })

  it('matches SentToMemberOf through the directory and reports unknown groups', () => {
    expect(
      matchRecipientScope(
        { SentToMemberOf: ['ghost@fabrikam.com', 'finance@fabrikam.com'] },
        alice,
        dir,
      ),
    ).toEqual({
      matched: true,
      why: 'member of finance@fabrikam.com',
      unknownGroups: ['ghost@fabrikam.com'],
    })
    expect(matchRecipientScope({ SentToMemberOf: ['sales@fabrikam.com'] }, alice, dir)).toEqual({
      matched: false,
      why: 'recipient not in SentToMemberOf',
      unknownGroups: [],
    })
  })

  it('matches RecipientDomainIs on the exact domain; subdomains only when asked', () => {
    const sub = 'alice@eu.fabrikam.com'
    expect(matchRecipientScope({ RecipientDomainIs: ['fabrikam.com'] }, alice, dir)).toEqual({
      matched: true,
      why: 'recipient domain fabrikam.com',
      unknownGroups: [],
    })
    expect(matchRecipientScope({ RecipientDomainIs: ['fabrikam.com'] }, sub, dir)).toEqual({
      matched: false,
      why: 'recipient domain not in RecipientDomainIs',
      unknownGroups: [],
    })
    expect(
      matchRecipientScope({ RecipientDomainIs: ['fabrikam.com'] }, sub, dir, true).matched,
    ).toBe(true)
    expect(
      matchRecipientScope({ RecipientDomainIs: ['contoso.com'] }, alice, dir, true).matched,
    ).toBe(false)
  })

  it('ANDs the conditions and joins their reasons', () => {
    const scope = {
      SentTo: ['alice@fabrikam.com'],
      SentToMemberOf: ['finance@fabrikam.com'],
      RecipientDomainIs: ['fabrikam.com'],
    }
    expect(matchRecipientScope(scope, alice, dir)).toEqual({
      matched: true,
      why: 'sent to alice@fabrikam.com and member of finance@fabrikam.com and recipient domain fabrikam.com',
      unknownGroups: [],
    })
    expect(
      matchRecipientScope({ ...scope, SentToMemberOf: ['sales@fabrikam.com'] }, alice, dir).matched,
    ).toBe(false)
    expect(
      matchRecipientScope({ ...scope, RecipientDomainIs: ['contoso.com'] }, alice, dir).matched,
    ).toBe(false)
  })

  it('lets any matching exception exclude, and says which', () => {
    const inc = { SentTo: ['alice@fabrikam.com'] }
    expect(
      matchRecipientScope({ ...inc, ExceptIfSentTo: ['ALICE@fabrikam.com'] }, alice, dir),
    ).toEqual({ matched: false, why: 'excepted: sent to ALICE@fabrikam.com', unknownGroups: [] })
    expect(
      matchRecipientScope({ ...inc, ExceptIfSentToMemberOf: ['finance@fabrikam.com'] }, alice, dir),
    ).toEqual({
      matched: false,
      why: 'excepted: member of finance@fabrikam.com',
      unknownGroups: [],
    })
    expect(
      matchRecipientScope({ ...inc, ExceptIfRecipientDomainIs: ['fabrikam.com'] }, alice, dir),
    ).toEqual({ matched: false, why: 'excepted: recipient domain fabrikam.com', unknownGroups: [] })
    // Exceptions that do not match leave the include conditions to decide.
    const none = {
      ...inc,
      ExceptIfSentTo: ['bob@fabrikam.com'],
      ExceptIfSentToMemberOf: ['sales@fabrikam.com', 'ghost@fabrikam.com'],
      ExceptIfRecipientDomainIs: ['contoso.com'],
    }
    expect(matchRecipientScope(none, alice, dir)).toEqual({
      matched: true,
      why: 'sent to alice@fabrikam.com',
      unknownGroups: ['ghost@fabrikam.com'],
    })
  })
})

describe('isAcceptedDomain', () => {
  it('is true for an accepted domain and the domains under it, false otherwise', () => {
    const s = makeSnapshot()
    expect(isAcceptedDomain(s, 'fabrikam.com')).toBe(true)
    expect(isAcceptedDomain(s, 'eu.fabrikam.com')).toBe(true)
    expect(isAcceptedDomain(s, 'contoso.com')).toBe(false)
  })
})
