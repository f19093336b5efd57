/**
 * What the signed-in admin may do here, proved before anything else: `connect` says "Connected"
 * only once the Exchange Online admin API has answered and the admin's cmdlets are known
 * (EXOModuleFile lists exactly the cmdlets this admin may run in this tenant, reference §1.2), and
 * `apply` and `rollback` refuse a plan whose cmdlets the admin may not run before changing
 * anything. An admin whose API access is disabled (Set-User -EXOModuleEnabled $false) is refused
 * by Exchange on that first call (PASSAGE_E_EXO_API_DISABLED).
 */
import { PassageError } from '../core/errors/index.js'
import type { Session } from './session.js'

/**
 * The cmdlets passage changes a tenant with that every tenant has (EOP), by what they manage:
 * mail flow rules need an Exchange role (Exchange or Global Administrator); the security policy
 * cmdlets are open to Security Administrators too.
 */
export const CHANGE_CMDLETS: Readonly<Record<string, readonly string[]>> = {
  'mail flow rules': ['New-TransportRule', 'Set-TransportRule', 'Remove-TransportRule'],
  'the connection filter': ['Set-HostedConnectionFilterPolicy'],
  'anti-spam policies': ['Set-HostedContentFilterPolicy'],
  'the Tenant Allow/Block List': [
    'New-TenantAllowBlockListItems',
    'Remove-TenantAllowBlockListItems',
  ],
}

/** What an admin may change: all, some, or none of what passage changes. */
export interface Access {
  canChange: 'all' | 'some' | 'none'
  /** What the admin may not change (the keys of CHANGE_CMDLETS). */
  cannot: string[]
  /** Every cmdlet the admin may run here. */
  cmdlets: Set<string>
}

/** Reads the admin's cmdlets (one call) and says what they may change. */
export async function checkAccess(session: Session, signal?: AbortSignal): Promise<Access> {
  const cmdlets = new Set((await session.exo.availableCmdlets(signal)).map((c) => c.toLowerCase()))
  const cannot = Object.entries(CHANGE_CMDLETS)
    .filter(([, names]) => !names.every((n) => cmdlets.has(n.toLowerCase())))
    .map(([what]) => what)
  const all = Object.keys(CHANGE_CMDLETS).length
  return {
    canChange: cannot.length === 0 ? 'all' : cannot.length === all ? 'none' : 'some',
    cannot,
    cmdlets,
  }
}

/** The refusal for an admin who may change nothing (a Security Reader, a Global Reader). */
export function readOnlyRefusal(actor: string, roles: string[] | null): PassageError {
  const held = roles && roles.length > 0 ? ` (${roles.join(', ')})` : ''
  return new PassageError(
    'PASSAGE_E_EXO_ROLE_MISSING',
    `${actor}${held} can read this tenant's settings but not change them: Exchange Online lets this admin run none of the cmdlets passage changes mail flow rules, the connection filter, anti-spam policies or the Tenant Allow/Block List with.`,
    {
      details: { actor, roles: roles ?? [] },
      hint: 'Connect as an Exchange Administrator or Security Administrator (or have a Global Administrator assign one of those roles; role changes can take up to an hour to reach Exchange). To only discover and check, run `passage connect --read-only`.',
    },
  )
}

/**
 * Refuses, before any change, cmdlets the signed-in admin may not run (a plan's or an undo's),
 * naming them: without this a Security Reader's apply tries every change and fails each.
 */
export async function requireCmdlets(
  session: Session,
  needed: Iterable<string>,
  what: string,
): Promise<void> {
  const access = await checkAccess(session)
  const missing = [...new Set(needed)].filter((c) => !access.cmdlets.has(c.toLowerCase()))
  if (missing.length === 0) return
  throw new PassageError(
    'PASSAGE_E_EXO_ROLE_MISSING',
    `${session.actor} may not run ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ` and ${missing.length - 6} more` : ''} in this tenant, which ${what} needs; nothing was changed.`,
    { details: { actor: session.actor, missing } },
  )
}
