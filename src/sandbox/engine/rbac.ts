/**
 * Who may run what (reference §2.2, §1.5). Reads: Global Administrator, Exchange Administrator,
 * Security Administrator, Security Reader, Global Reader. Writes: Global and Exchange
 * Administrators; Security Administrators too for the security policy cmdlets (anti-spam,
 * anti-phish, Safe Links/Attachments, TABL, quarantine, advanced delivery), as the connection
 * filter and advanced delivery docs say (the app-only doc disagrees; UNCONFIRMED, §1.5).
 */
import type { Caller, DirectoryRoleName } from '../contracts.js'
import type { CmdletDef } from './types.js'

const READERS: readonly DirectoryRoleName[] = [
  'Global Administrator',
  'Exchange Administrator',
  'Security Administrator',
  'Security Reader',
  'Global Reader',
]
const EXCHANGE_WRITERS: readonly DirectoryRoleName[] = [
  'Global Administrator',
  'Exchange Administrator',
]
const SECURITY_WRITERS: readonly DirectoryRoleName[] = [
  ...EXCHANGE_WRITERS,
  'Security Administrator',
]

/** The application permission an app-only token needs for Exchange (reference §1.5). */
export const MANAGE_AS_APP = 'Exchange.ManageAsApp'

/** True when the caller's roles allow this cmdlet. */
export function mayRun(caller: Caller, def: CmdletDef): boolean {
  if (caller.kind === 'app' && !caller.scopes.includes(MANAGE_AS_APP)) return false
  const allowed = !def.write
    ? READERS
    : def.scope === 'security'
      ? SECURITY_WRITERS
      : EXCHANGE_WRITERS
  return caller.roles.some((r) => allowed.includes(r))
}
