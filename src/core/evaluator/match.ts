import type { RecipientScope } from '../model/common.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { normaliseDomain } from '../net/domain.js'
import { domainOf } from './message.js'

/** How a domain relates to a list entry: the same domain, a subdomain of it, or neither. */
export function domainRelation(domain: string, entry: string): 'exact' | 'subdomain' | null {
  const d = normaliseDomain(domain)
  const e = normaliseDomain(entry)
  if (!d || !e) return null
  if (d === e) return 'exact'
  return d.endsWith(`.${e}`) ? 'subdomain' : null
}

/** The two sender addresses of a message, as the lists see them. */
export interface Senders {
  mailFrom: string
  headerFrom: string
}

/** A sender list hit: the entry, and which sender address(es) it matched. */
export interface SenderHit {
  entry: string
  via: Array<'MAIL FROM' | 'From'>
  kind: 'address' | 'domain'
}

/** A domain entry that would match only if it covered subdomains. */
export interface SubdomainMiss {
  entry: string
  address: string
}

/**
 * Matches address and domain entries against the envelope and header senders (only the From
 * header address when `fromOnly`). Domain entries
 * match the exact domain only; entries that would match a subdomain are returned as misses so the
 * trace can say so (the reference does not say whether these lists cover subdomains).
 */
export function matchSenderList(
  entries: readonly string[],
  senders: Senders,
  fromOnly = false,
): { hit: SenderHit | null; misses: SubdomainMiss[] } {
  const misses: SubdomainMiss[] = []
  // Anti-spam allowed/blocked senders and Outlook Safe Senders look at the From address only
  // (ms-rule: eval.lists.from-only); Tenant Allow/Block List sender entries see both.
  const pairs: Array<['MAIL FROM' | 'From', string]> = fromOnly
    ? [['From', senders.headerFrom]]
    : [
        ['MAIL FROM', senders.mailFrom],
        ['From', senders.headerFrom],
      ]
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    const isAddress = entry.includes('@')
    const via: Array<'MAIL FROM' | 'From'> = []
    for (const [label, addr] of pairs) {
      if (isAddress) {
        if (addr === entry) via.push(label)
      } else {
        const rel = domainRelation(domainOf(addr), entry)
        if (rel === 'exact') via.push(label)
        else if (rel === 'subdomain') misses.push({ entry: raw, address: addr })
      }
    }
    if (via.length)
      return { hit: { entry: raw, via, kind: isAddress ? 'address' : 'domain' }, misses }
  }
  return { hit: null, misses }
}

/** A note for a sender hit that matched only one of the two addresses, or null. */
export function oneSidedNote(hit: SenderHit): string | null {
  if (hit.via.length === 2) return null
  return `'${hit.entry}' matched the ${hit.via[0]} address only; the reference does not say whether this list checks the envelope sender, the From header or both, so the match is applied`
}

/** Members of a directory group, expanding nested groups (bounded depth). */
export function groupMembers(
  snapshot: TenantSnapshot,
  group: string,
  depth = 0,
): Set<string> | null {
  const g = snapshot.directory.groups.find((x) => x.address.toLowerCase() === group.toLowerCase())
  if (!g) return null
  const out = new Set<string>()
  for (const m of g.members) {
    const member = m.toLowerCase()
    out.add(member)
    if (depth < 8) {
      const nested = groupMembers(snapshot, member, depth + 1)
      nested?.forEach((x) => out.add(x))
    }
  }
  return out
}

/** The result of matching a recipient against a rule's recipient conditions. */
export interface ScopeMatch {
  matched: boolean
  /** Why, in words (which condition or exception decided). */
  why: string
  /** Groups named by the rule that the snapshot's directory does not list. */
  unknownGroups: string[]
}

/**
 * Matches a recipient against SentTo / SentToMemberOf / RecipientDomainIs and their ExceptIf
 * forms. Values within a condition are ORed, different conditions ANDed (as Exchange's policy and
 * mail flow rules do); any matching exception excludes; no include condition matches everyone. `subdomains` says whether RecipientDomainIs covers subdomains.
 */
export function matchRecipientScope(
  scope: Partial<RecipientScope>,
  recipient: string,
  snapshot: TenantSnapshot,
  subdomains = false,
): ScopeMatch {
  const unknownGroups: string[] = []
  const r = recipient.toLowerCase()
  const domain = domainOf(r)
  const inGroups = (groups: readonly string[]): string | null => {
    for (const g of groups) {
      const members = groupMembers(snapshot, g)
      if (members === null) unknownGroups.push(g)
      else if (members.has(r)) return g
    }
    return null
  }
  const inDomains = (domains: readonly string[]): string | null =>
    domains.find((d) => {
      const rel = domainRelation(domain, d)
      return rel === 'exact' || (subdomains && rel === 'subdomain')
    }) ?? null
  const inAddresses = (list: readonly string[]): string | null =>
    list.find((a) => a.trim().toLowerCase() === r) ?? null

  const sentTo = scope.SentTo ?? []
  const memberOf = scope.SentToMemberOf ?? []
  const domains = scope.RecipientDomainIs ?? []
  const exceptTo = inAddresses(scope.ExceptIfSentTo ?? [])
  if (exceptTo) return { matched: false, why: `excepted: sent to ${exceptTo}`, unknownGroups }
  const exceptGroup = inGroups(scope.ExceptIfSentToMemberOf ?? [])
  if (exceptGroup)
    return { matched: false, why: `excepted: member of ${exceptGroup}`, unknownGroups }
  const exceptDomain = inDomains(scope.ExceptIfRecipientDomainIs ?? [])
  if (exceptDomain)
    return { matched: false, why: `excepted: recipient domain ${exceptDomain}`, unknownGroups }

  if (!sentTo.length && !memberOf.length && !domains.length)
    return { matched: true, why: 'no recipient conditions (everyone)', unknownGroups }
  const reasons: string[] = []
  if (sentTo.length) {
    const to = inAddresses(sentTo)
    if (!to) return { matched: false, why: 'recipient not in SentTo', unknownGroups }
    reasons.push(`sent to ${to}`)
  }
  if (memberOf.length) {
    const group = inGroups(memberOf)
    if (!group) return { matched: false, why: 'recipient not in SentToMemberOf', unknownGroups }
    reasons.push(`member of ${group}`)
  }
  if (domains.length) {
    const dom = inDomains(domains)
    if (!dom)
      return { matched: false, why: 'recipient domain not in RecipientDomainIs', unknownGroups }
    reasons.push(`recipient domain ${dom}`)
  }
  return { matched: true, why: reasons.join(' and '), unknownGroups }
}

/** True when the domain is one of the tenant's accepted domains (or under one). */
export function isAcceptedDomain(snapshot: TenantSnapshot, domain: string): boolean {
  return snapshot.acceptedDomains.some((a) => domainRelation(domain, a.DomainName) !== null)
}
