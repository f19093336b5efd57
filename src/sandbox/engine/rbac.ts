/**
 * Who may run what (reference §2.2, §1.5). Reads: Global Administrator, Exchange Administrator,
 * Security Administrator, Security Reader, Global Reader. Writes: Global and Exchange
 * Administrators; Security Administrators too for the security policy cmdlets (anti-spam,
 * anti-phish, Safe Links/Attachments, TABL, quarantine, advanced delivery), as the connection
 * filter and advanced delivery docs say (the app-only doc disagrees; UNCONFIRMED, §1.5).
 * A caller's roles are its Entra roles plus, through Exchange RBAC, its role groups
 * (effectiveRoles below; office-docs-powershell exchange/docs-conceptual/
 * app-only-auth-powershell-v2.md, Step 5): an app whose service principal has neither may run
 * nothing, and EXOModuleFile lists nothing for it.
 */
import type { Caller, DirectoryRoleName, SandboxTenant } from '../contracts.js'
import { type RoleGroupName, roleGroupsOf } from './service-principals.js'
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

/**
 * Who may read group membership (Get-DistributionGroupMember, Get-UnifiedGroupLinks,
 * Get-DynamicDistributionGroup). What Microsoft says: each cmdlet page says only "You need to be
 * assigned permissions" and sends the reader to "Find the permissions required to run any
 * Exchange cmdlet" (Get-ManagementRole -Cmdlet in the tenant), without naming a role
 * (office-docs-powershell exchange/exchange-ps/ExchangePowerShell/Get-DistributionGroupMember.md,
 * Get-UnifiedGroupLinks.md). OfficeDocs-Exchange Exchange/ExchangeOnline/permissions-exo/
 * permissions-exo.md lists the role groups: Organization Management (which the Global and
 * Exchange Administrator roles join) holds Distribution Groups and View-Only Recipients; View-Only
 * Organization Management holds View-Only Configuration and View-Only Recipients and "can view the
 * properties of any object"; the Security Administrator and Security Reader role groups hold only
 * the Security Admin and Security Reader roles. Entra's Global Reader "can read everything that a
 * Global Administrator can, but not update anything" (entra-docs permissions-reference.md).
 * What Microsoft does not say: whether the Security Admin or Security Reader management roles
 * include these cmdlets, nor which Exchange roles a Global Reader gets (some cmdlet pages, such as
 * Get-InboxRule.md, say a read does not work for Global Reader). The sandbox allows Global
 * Reader (UNCONFIRMED) and refuses the two Security roles (UNCONFIRMED), the conservative answer
 * for them: passage must then say that group members are unknown, which it does, rather than
 * rely on a read that may not be granted.
 */
const GROUP_READ_CMDLETS = new Set([
  'Get-DistributionGroupMember',
  'Get-UnifiedGroupLinks',
  'Get-DynamicDistributionGroup',
])
const GROUP_READERS: readonly DirectoryRoleName[] = [
  'Global Administrator',
  'Exchange Administrator',
  'Global Reader',
]

/**
 * Exchange RBAC for service principals (service-principals.ts): reading service principals and
 * role group members is for the same admins as group membership reads (Global and Exchange
 * Administrators, Global Reader: View-Only Organization Management "can view the properties of
 * any object"); Security Administrator and Security Reader are refused (UNCONFIRMED, the
 * conservative answer). Creating them and adding members are Organization Management tasks (the
 * Role Management role, Add-RoleGroupMember.md), which the Global and Exchange Administrator roles
 * hold: EXCHANGE_WRITERS.
 */
const RBAC_READ_CMDLETS = new Set(['Get-ServicePrincipal', 'Get-RoleGroupMember'])

/**
 * What membership of a modelled role group is worth, in the Entra roles the rest of this file
 * speaks: Organization Management ~ Exchange Administrator (the role group that Entra role joins,
 * permissions-exo.md) and View-Only Organization Management ~ Global Reader's reads. Microsoft
 * publishes the role groups' roles, not this equivalence: it is the sandbox's approximation
 * (UNCONFIRMED for cmdlets the two do not share).
 */
const ROLE_GROUP_EQUIVALENT: Readonly<Record<RoleGroupName, DirectoryRoleName>> = {
  'Organization Management': 'Exchange Administrator',
  'View-Only Organization Management': 'Global Reader',
}

/**
 * A caller's roles in Exchange: its Entra roles (the token's wids) plus what its Exchange role
 * groups give (app-only-auth-powershell-v2.md: the two methods "can be combined"). A service
 * principal is a member by its object id (the token's `oid`), a user by UPN.
 */
export function effectiveRoles(caller: Caller, tenant?: SandboxTenant): DirectoryRoleName[] {
  if (tenant?.exchangeRbac === undefined) return caller.roles
  const groups = roleGroupsOf(tenant, caller.kind === 'app' ? caller.objectId : caller.name)
  if (groups.length === 0) return caller.roles
  return [...new Set([...caller.roles, ...groups.map((g) => ROLE_GROUP_EQUIVALENT[g])])]
}

/** The application permission an app-only token needs for Exchange (reference §1.5). */
export const MANAGE_AS_APP = 'Exchange.ManageAsApp'

/**
 * True when the caller's roles allow this cmdlet. An app with no Entra role and no role group
 * may run nothing: every cmdlet is refused and EXOModuleFile lists none.
 */
export function mayRun(caller: Caller, def: CmdletDef, tenant?: SandboxTenant): boolean {
  if (caller.kind === 'app' && !caller.scopes.includes(MANAGE_AS_APP)) return false
  const allowed =
    GROUP_READ_CMDLETS.has(def.name) || RBAC_READ_CMDLETS.has(def.name)
      ? GROUP_READERS
      : !def.write
        ? READERS
        : def.scope === 'security'
          ? SECURITY_WRITERS
          : EXCHANGE_WRITERS
  return effectiveRoles(caller, tenant).some((r) => allowed.includes(r))
}
