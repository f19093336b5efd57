/** Value checks shared by several cmdlet families, with Exchange-like wording (ours unless noted). */
import { parseIpEntry, type IpEntry } from './ip.js'
import { BUILT_IN_QUARANTINE_POLICIES } from '../../core/model/quarantine-policy.js'
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import { invalidValue, limitReached, recipientNotFound, tooLong } from './errors.js'

const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** True when the text is an SMTP address. */
export function isAddress(s: string): boolean {
  return ADDRESS.test(s.trim())
}

/**
 * True when the text is a domain name by syntax (labels of letters, digits and hyphens, a
 * letter-only top level). Exchange checks syntax, not the public suffix list.
 */
export function isDomain(s: string): boolean {
  const d = s.trim().replace(/\.$/, '')
  return (
    d.length <= 253 &&
    /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$/i.test(d)
  )
}

/** Refuses a string over `max` characters. */
export function checkLength(value: string | null | undefined, max: number): void {
  if (typeof value === 'string' && value.length > max) throw tooLong(max, value.length)
}

/** Refuses a list over `max` entries. */
export function checkCount(param: string, list: readonly string[], max: number): void {
  if (list.length > max)
    throw limitReached(
      `The ${param} list can't contain more than ${max} entries; it would have ${list.length}.`,
    )
}

/** Each entry must be an SMTP address. */
export function checkAddresses(param: string, list: readonly string[]): void {
  for (const s of list)
    if (!isAddress(s)) throw invalidValue(`'${s}' isn't a valid SMTP address (parameter ${param}).`)
}

/** Each entry must be a domain name. */
export function checkDomains(param: string, list: readonly string[]): void {
  for (const s of list)
    if (!isDomain(s)) throw invalidValue(`'${s}' isn't a valid domain name (parameter ${param}).`)
}

/** Options of an IP list check. */
export interface IpRules {
  ipv6: boolean
  /** Widest CIDR prefix allowed (e.g. 24); undefined for any. */
  widestPrefix?: number
  /** Largest a-b range allowed, in addresses. */
  maxRangeAddresses?: number
}

/** Each entry must be an IP, CIDR or range within the rules; returns the parsed entries. */
export function checkIps(param: string, list: readonly string[], rules: IpRules): IpEntry[] {
  return list.map((s) => {
    const e = parseIpEntry(s)
    if (!e)
      throw invalidValue(
        `'${s}' isn't a valid IP address, IP address range or CIDR block (parameter ${param}).`,
      )
    if (e.family === 'ipv6' && !rules.ipv6)
      throw invalidValue(
        `IPv6 addresses aren't supported in ${param}: '${s}'. Use IPv4 addresses only.`,
      )
    if (e.form === 'cidr' && rules.widestPrefix !== undefined && e.prefix < rules.widestPrefix)
      throw invalidValue(
        `The CIDR block '${s}' is too large for ${param}: only /${rules.widestPrefix} to /32 are supported.`,
      )
    if (
      e.form === 'range' &&
      rules.maxRangeAddresses !== undefined &&
      e.size > rules.maxRangeAddresses
    )
      throw invalidValue(
        `The IP address range '${s}' is too large for ${param}: a range can cover at most ${rules.maxRangeAddresses} addresses.`,
      )
    return e
  })
}

/** A quarantine policy named by a *QuarantineTag parameter must exist (built-ins always do). */
export function checkQuarantineTag(snapshot: TenantSnapshot, tag: string | undefined): void {
  if (tag === undefined) return
  const known =
    (BUILT_IN_QUARANTINE_POLICIES as readonly string[]).some(
      (b) => b.toLowerCase() === tag.toLowerCase(),
    ) || snapshot.state.quarantinePolicies.some((q) => q.Name.toLowerCase() === tag.toLowerCase())
  if (!known) throw recipientNotFound(tag)
}

function isGroup(snapshot: TenantSnapshot, address: string): boolean {
  return snapshot.directory.groups.some(
    (g) => g.address.toLowerCase() === address.trim().toLowerCase(),
  )
}

function inAcceptedDomain(snapshot: TenantSnapshot, address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase()
  return snapshot.acceptedDomains.some((d) => d.DomainName.toLowerCase() === domain)
}

/**
 * Recipients named in SentTo must resolve in the directory. The sandbox knows no mailboxes, so an
 * address in an accepted domain counts as a recipient; one outside them is not found.
 */
export function checkSentTo(snapshot: TenantSnapshot, list: readonly string[]): void {
  for (const s of list)
    if (!isAddress(s) || !inAcceptedDomain(snapshot, s)) throw recipientNotFound(s)
}

/** Groups named in SentToMemberOf must be groups of the directory. */
export function checkGroups(snapshot: TenantSnapshot, list: readonly string[]): void {
  for (const s of list) if (!isGroup(snapshot, s)) throw recipientNotFound(s)
}

/** SecOps mailboxes must be mailboxes: groups are refused (reference §3.8). */
export function checkNotGroups(
  snapshot: TenantSnapshot,
  param: string,
  list: readonly string[],
): void {
  for (const s of list)
    if (isGroup(snapshot, s))
      throw invalidValue(
        `'${s}' is a group. ${param} accepts mailboxes only; groups aren't allowed.`,
      )
}

/** Recipient domains in a rule must be accepted domains. */
export function checkRecipientDomains(snapshot: TenantSnapshot, list: readonly string[]): void {
  for (const s of list)
    if (
      !snapshot.acceptedDomains.some((d) => d.DomainName.toLowerCase() === s.trim().toLowerCase())
    )
      throw invalidValue(`The domain '${s}' isn't an accepted domain of this organization.`)
}
