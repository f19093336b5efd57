/**
 * What discovery needs about the directory, from the Exchange Online admin API alone (issue 14:
 * one sign-in with Microsoft's default public clients, where Graph is not signed in). Every call
 * is a documented read cmdlet that CIPP-API also sends through InvokeCommand (New-ExoRequest):
 *
 * - Group members: `Get-DistributionGroupMember -Identity <address> -ResultSize Unlimited`
 *   ("view the members of distribution groups and mail-enabled security groups"; Identity takes
 *   an email address; ResultSize defaults to 1000), and for a Microsoft 365 group
 *   `Get-UnifiedGroupLinks -Identity <address> -LinkType Members -ResultSize Unlimited`
 *   (MicrosoftDocs/office-docs-powershell: exchange/exchange-ps/ExchangePowerShell/
 *   Get-DistributionGroupMember.md, Get-UnifiedGroupLinks.md).
 * - The organisation: `Get-OrganizationConfig` (Get-OrganizationConfig.md), whose DisplayName is
 *   the organisation's name. Microsoft's page does not say that Name is the *.onmicrosoft.com
 *   name, so the tenant's name is taken from its accepted domains (Get-AcceptedDomain.md) instead.
 *
 * - Which kind of group an address is, when neither of those cmdlets knows it:
 *   `Get-DynamicDistributionGroup -Identity <address>` (Get-DynamicDistributionGroup.md), so that
 *   a policy scoped to a dynamic distribution group is said to be one, not "not found".
 *
 * Nested groups: a member that is itself a distribution group or mail-enabled security group
 * (RecipientType MailUniversalDistributionGroup, MailUniversalSecurityGroup, MailNonUniversalGroup)
 * is read in turn and flattened, as Graph's transitiveMembers would; a Microsoft 365 group member
 * (RecipientTypeDetails GroupMailbox) is read with Get-UnifiedGroupLinks (Microsoft 365 groups
 * hold no groups). A dynamic distribution group is NOT flattened (its members are computed by a
 * filter at delivery; preset policies do not take dynamic distribution groups, per Microsoft's
 * "Preset security policies" page, defender-docs defender-office-365/preset-security-policies.md:
 * "dynamic distribution groups aren't supported"), and neither are groups nested deeper than
 * MAX_DEPTH: both are said in `unresolved`, never guessed. Exchange Online does list a dynamic
 * group's "calculated membership list" (Get-DynamicDistributionGroupMember.md, refreshed every 24
 * hours), but what Defender does with such a group at delivery is not documented, so passage keeps
 * to not expanding it and saying so. A policy scoped to a dynamic distribution group itself is
 * answered as kind 'dynamic' with no members and that one phrase in `unresolved`.
 * Whether Defender's SentToMemberOf condition matches members of nested groups is not stated on
 * Microsoft's pages (UNCONFIRMED); passage flattens, as its Graph reading does.
 */
import { isPassageError } from '../core/errors/index.js'
import type { ExchangeClient } from './client.js'
import type { ExoObject } from './invoke.js'

/** Deepest nesting followed. */
const MAX_DEPTH = 8

/** Recipient types of groups whose members Get-DistributionGroupMember lists. */
const MAIL_GROUPS = new Set([
  'mailuniversaldistributiongroup',
  'mailuniversalsecuritygroup',
  'mailnonuniversalgroup',
])

/** A group's members as Exchange lists them, flattened; and what could not be flattened. */
export interface ExchangeGroupMembers {
  /** Lower-cased primary SMTP addresses of the members that are not groups. */
  members: string[]
  /** Which cmdlet answered for the group itself ('dynamic': Get-DynamicDistributionGroup). */
  kind: 'distribution' | 'microsoft365' | 'dynamic'
  /** Nested groups left unread, one phrase each ("dynamic distribution group all@...", ...). */
  unresolved: string[]
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '')

/** A group's direct members: as a distribution group, else as a Microsoft 365 group; null if neither. */
async function directMembers(
  exo: ExchangeClient,
  address: string,
  signal?: AbortSignal,
): Promise<{ kind: ExchangeGroupMembers['kind']; objects: ExoObject[] } | null> {
  const opts = signal ? { signal } : {}
  try {
    const objects = await exo.invokeCommand(
      {
        cmdlet: 'Get-DistributionGroupMember',
        params: { Identity: address, ResultSize: 'Unlimited' },
      },
      opts,
    )
    return { kind: 'distribution', objects }
  } catch (e) {
    // A Microsoft 365 group is not a distribution group; Exchange's exact refusal for one is
    // not documented (UNCONFIRMED), so any "not found" sends us to Get-UnifiedGroupLinks.
    if (!isPassageError(e, 'PASSAGE_E_EXO_NOT_FOUND')) throw e
  }
  try {
    const objects = await exo.invokeCommand(
      {
        cmdlet: 'Get-UnifiedGroupLinks',
        params: { Identity: address, LinkType: 'Members', ResultSize: 'Unlimited' },
      },
      opts,
    )
    return { kind: 'microsoft365', objects }
  } catch (e) {
    if (isPassageError(e, 'PASSAGE_E_EXO_NOT_FOUND')) return null
    throw e
  }
}

/**
 * True when Exchange knows this address as a dynamic distribution group. Only asked once the two
 * member cmdlets have said "not found"; any refusal here (the cmdlet missing from the caller's
 * roles, say) leaves the group as unknown, as it was before asking.
 */
async function isDynamicGroup(
  exo: ExchangeClient,
  address: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const found = await exo.invokeCommand(
      { cmdlet: 'Get-DynamicDistributionGroup', params: { Identity: address } },
      signal ? { signal } : {},
    )
    return found.some((o) => lower(o.RecipientTypeDetails) === 'dynamicdistributiongroup')
  } catch (e) {
    if (isPassageError(e) && e.kind !== 'bug') return false
    throw e
  }
}

/**
 * The members of the group with this address (what policies and presets name in
 * SentToMemberOf), nested mail groups flattened; null when Exchange knows no such group.
 * Refusals other than "not found" (a missing role, the API disabled) are thrown.
 */
export async function exchangeGroupMembers(
  exo: ExchangeClient,
  address: string,
  signal?: AbortSignal,
): Promise<ExchangeGroupMembers | null> {
  const top = await directMembers(exo, address, signal)
  if (!top) {
    const dynamic = await isDynamicGroup(exo, address, signal)
    return dynamic
      ? { members: [], kind: 'dynamic', unresolved: [`dynamic distribution group ${address}`] }
      : null
  }
  const members = new Set<string>()
  const unresolved: string[] = []
  const seen = new Set([address.toLowerCase()])
  const walk = async (objects: ExoObject[], depth: number): Promise<void> => {
    const nested: string[] = []
    for (const o of objects) {
      const smtp = lower(o.PrimarySmtpAddress)
      const type = lower(o.RecipientType)
      const details = lower(o.RecipientTypeDetails)
      if (type === 'dynamicdistributiongroup') {
        unresolved.push(`dynamic distribution group ${smtp || String(o.Name ?? '?')}`)
        continue
      }
      if (MAIL_GROUPS.has(type) || details === 'groupmailbox') {
        if (!smtp || seen.has(smtp)) continue
        seen.add(smtp)
        if (depth >= MAX_DEPTH) unresolved.push(`group ${smtp}, nested more than ${MAX_DEPTH} deep`)
        else nested.push(smtp)
        continue
      }
      if (smtp) members.add(smtp)
    }
    // Sibling groups are read together; each level waits for the one above.
    const inner = await Promise.all(nested.map((g) => directMembers(exo, g, signal)))
    for (const [i, got] of inner.entries()) {
      if (got) await walk(got.objects, depth + 1)
      else unresolved.push(`group ${nested[i]!}, which Exchange did not find`)
    }
  }
  await walk(top.objects, 0)
  return { members: [...members].sort(), kind: top.kind, unresolved }
}

/** The organisation as Exchange describes it. */
export interface ExchangeOrganization {
  /** Get-OrganizationConfig's DisplayName (null when it has none). */
  displayName: string | null
  /** Get-OrganizationConfig's Name, as given (not assumed to be the *.onmicrosoft.com name). */
  name: string | null
  /** Get-OrganizationConfig's ExternalDirectoryOrganizationId: the tenant GUID. */
  tenantId: string | null
}

/** Reads Get-OrganizationConfig (one call; every Exchange reader may run it). */
export async function exchangeOrganization(
  exo: ExchangeClient,
  signal?: AbortSignal,
): Promise<ExchangeOrganization> {
  const [org] = await exo.invokeCommand(
    { cmdlet: 'Get-OrganizationConfig', params: {} },
    signal ? { signal } : {},
  )
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null)
  return {
    displayName: str(org?.DisplayName),
    name: str(org?.Name),
    tenantId: str(org?.ExternalDirectoryOrganizationId),
  }
}

/**
 * The tenant's *.onmicrosoft.com name among its accepted domains (not the .mail.onmicrosoft.com
 * routing domain), or null.
 */
export function initialDomainOf(domains: readonly string[]): string | null {
  const hit = domains
    .map((d) => d.toLowerCase())
    .filter((d) => d.endsWith('.onmicrosoft.com') && !d.endsWith('.mail.onmicrosoft.com'))
    .sort((a, b) => a.length - b.length)[0]
  return hit ?? null
}
