/**
 * Exchange RBAC for service principals (Exchange Online only):
 *
 * - Get-ServicePrincipal [-Identity]: "In Exchange Online, service principals are references to
 *   the service principals in Microsoft Entra ID"; Identity takes a name, DN, GUID, AppId or
 *   ObjectId (office-docs-powershell exchange/exchange-ps/ExchangePowerShell/
 *   Get-ServicePrincipal.md). The page warns that a non-existent Identity "returns all objects";
 *   the sandbox answers Exchange's usual not-found error instead (UNCONFIRMED), so a client that
 *   checks for its own service principal must not rely on either: list without Identity and
 *   compare AppId.
 * - New-ServicePrincipal -AppId -ObjectId [-DisplayName] (New-ServicePrincipal.md; ServiceId is
 *   deprecated there in favour of ObjectId). The values are the Entra service principal's AppId
 *   and Id (object id) in this tenant (app-only-auth-powershell-v2.md, "Assign custom role groups
 *   to the application using service principals"). The sandbox refuses a second reference to the
 *   same app or object, and an ObjectId that is not the service principal of that AppId in this
 *   tenant (no such principal: the app was never consented here). Exchange's wording for both is
 *   not documented: the texts below are the sandbox's own (UNCONFIRMED).
 * - Add-RoleGroupMember -Identity <role group> -Member <principal> and Get-RoleGroupMember
 *   -Identity <role group> (Add-RoleGroupMember.md; the app-only page adds `$SP.Identity`,
 *   `$SP.ObjectId` or `$SP.Id` as the member). The built-in groups modelled: Organization
 *   Management and View-Only Organization Management (OfficeDocs-Exchange
 *   Exchange/ExchangeOnline/permissions-exo/permissions-exo.md). A member already there is
 *   refused with the wording of Add-DistributionGroupMember's MemberAlreadyExistsException
 *   (UNCONFIRMED for role groups).
 *
 * What membership grants is rbac.ts's (effectiveRoles). The output properties of the
 * Get- cmdlets are UNCONFIRMED beyond the ones the docs name (AppId, ObjectId, DisplayName,
 * Identity, Id).
 */
import type { ExchangeRbacState, ExchangeServicePrincipal, SandboxTenant } from '../contracts.js'
import { servicePrincipalId } from '../identity/tokens.js'
import { deterministicGuid } from '../seed/guid.js'
import { CmdletError, invalidArgument, notFound } from './errors.js'
import { P } from './params.js'
import type { CmdletDef, Ctx } from './types.js'

/** The role groups the sandbox models, by canonical name. */
export const ROLE_GROUPS = ['Organization Management', 'View-Only Organization Management'] as const
export type RoleGroupName = (typeof ROLE_GROUPS)[number]

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The tenant's Exchange RBAC state, created on first write. */
export function rbacState(tenant: SandboxTenant): ExchangeRbacState {
  tenant.exchangeRbac ??= { servicePrincipals: [], roleGroupMembers: {} }
  return tenant.exchangeRbac
}

/** The Entra service principal object id of an app in a tenant (what its tokens' `oid` says). */
export function entraObjectId(tenant: SandboxTenant, appId: string): string | null {
  const key = appId.trim().toLowerCase()
  const app = tenant.apps.find((a) => a.clientId.toLowerCase() === key)
  if (app === undefined) return null
  return (app.objectId ?? servicePrincipalId(tenant.snapshot.tenant.id, app.clientId)).toLowerCase()
}

function findSp(tenant: SandboxTenant, identity: string): ExchangeServicePrincipal | undefined {
  const want = identity.trim().toLowerCase()
  return tenant.exchangeRbac?.servicePrincipals.find((sp) =>
    [sp.objectId, sp.appId, sp.identity, sp.displayName].some((v) => v.toLowerCase() === want),
  )
}

function roleGroup(identity: string): RoleGroupName {
  const want = identity.trim().toLowerCase()
  const hit = ROLE_GROUPS.find((g) => g.toLowerCase() === want)
  if (hit === undefined) throw notFound(identity)
  return hit
}

/** The role groups a principal (service principal object id or UPN) is a member of. */
export function roleGroupsOf(tenant: SandboxTenant, principal: string): RoleGroupName[] {
  const members = tenant.exchangeRbac?.roleGroupMembers
  if (members === undefined) return []
  const key = principal.toLowerCase()
  return ROLE_GROUPS.filter((g) => (members[g] ?? []).some((m) => m.toLowerCase() === key))
}

function spOutput(sp: ExchangeServicePrincipal): Record<string, unknown> {
  return {
    Identity: sp.objectId,
    Id: sp.objectId,
    Name: sp.objectId,
    DisplayName: sp.displayName,
    AppId: sp.appId,
    ObjectId: sp.objectId,
    ExchangeObjectId: sp.identity,
    Guid: sp.identity,
  }
}

/** A role group member as Get-RoleGroupMember lists it. */
function memberOutput(ctx: Ctx, member: string): Record<string, unknown> {
  const sp = findSp(ctx.tenant, member)
  if (sp !== undefined)
    return {
      Identity: sp.objectId,
      Name: sp.objectId,
      DisplayName: sp.displayName,
      ExternalDirectoryObjectId: sp.objectId,
      RecipientType: 'ServicePrincipal',
      RecipientTypeDetails: 'ServicePrincipal',
    }
  const admin = ctx.tenant.admins.find((a) => a.upn.toLowerCase() === member.toLowerCase())
  return {
    Identity: admin?.upn ?? member,
    Name: (admin?.upn ?? member).split('@')[0],
    DisplayName: admin?.displayName ?? member,
    ExternalDirectoryObjectId: admin?.objectId ?? null,
    RecipientType: 'User',
    RecipientTypeDetails: 'User',
  }
}

/** The member identity stored for `-Member`: a service principal's object id or a user's UPN. */
function resolveMember(ctx: Ctx, member: string): string {
  const sp = findSp(ctx.tenant, member)
  if (sp !== undefined) return sp.objectId
  const want = member.trim().toLowerCase()
  const admin = ctx.tenant.admins.find(
    (a) => a.upn.toLowerCase() === want || a.objectId.toLowerCase() === want,
  )
  if (admin !== undefined) return admin.upn
  throw new CmdletError(
    'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    `Couldn't find object "${member}". Please make sure that it was spelled correctly or specify a different object.`,
  )
}

/** The service principal and role group cmdlets. */
export const SERVICE_PRINCIPAL_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-ServicePrincipal',
    write: false,
    scope: 'exchange',
    params: [P.identity(false), P.str('Organization')],
    run(ctx, p) {
      const identity = p.str('Identity')
      const all = ctx.tenant.exchangeRbac?.servicePrincipals ?? []
      if (identity === undefined) return all.map(spOutput)
      const sp = findSp(ctx.tenant, identity)
      if (sp === undefined) throw notFound(identity)
      return [spOutput(sp)]
    },
  },
  {
    name: 'New-ServicePrincipal',
    write: true,
    scope: 'exchange',
    params: [
      P.str('AppId', { mandatory: true }),
      P.str('ObjectId', { mandatory: true }),
      P.str('DisplayName'),
      P.str('ServiceId'),
      P.str('Organization'),
    ],
    run(ctx, p) {
      const appId = p.req('AppId').trim()
      const objectId = p.req('ObjectId').trim()
      for (const [name, v] of [
        ['AppId', appId],
        ['ObjectId', objectId],
      ] as const)
        if (!GUID.test(v))
          throw invalidArgument(`The ${name} parameter value '${v}' isn't a valid GUID.`)
      const dup = (ctx.tenant.exchangeRbac?.servicePrincipals ?? []).find(
        (sp) =>
          sp.appId.toLowerCase() === appId.toLowerCase() ||
          sp.objectId.toLowerCase() === objectId.toLowerCase(),
      )
      if (dup !== undefined)
        throw new CmdletError(
          'Microsoft.Exchange.Configuration.Tasks.ManagementObjectAlreadyExistsException',
          `A service principal with AppId '${dup.appId}' and ObjectId '${dup.objectId}' already exists in this organization.`,
        )
      const entra = entraObjectId(ctx.tenant, appId)
      if (entra === null || entra !== objectId.toLowerCase())
        throw invalidArgument(
          `The ObjectId '${objectId}' isn't the Microsoft Entra service principal of the application '${appId}' in this organization. Use the Id of the service principal (Get-MgServicePrincipal) after the application has been consented to here.`,
        )
      const sp: ExchangeServicePrincipal = {
        appId: appId.toLowerCase(),
        objectId: objectId.toLowerCase(),
        displayName: p.str('DisplayName') ?? objectId.toLowerCase(),
        identity: deterministicGuid(
          'exchange-service-principal',
          ctx.tenant.snapshot.tenant.id,
          appId.toLowerCase(),
        ),
      }
      // Checked above: only now is the tenant changed (the engine's atomicity).
      rbacState(ctx.tenant).servicePrincipals.push(sp)
      return [spOutput(sp)]
    },
  },
  {
    name: 'Get-RoleGroupMember',
    write: false,
    scope: 'exchange',
    params: [P.identity(true), P.str('ResultSize')],
    run(ctx, p) {
      const group = roleGroup(p.req('Identity'))
      const members = ctx.tenant.exchangeRbac?.roleGroupMembers[group] ?? []
      return members.map((m) => memberOutput(ctx, m))
    },
  },
  {
    name: 'Add-RoleGroupMember',
    write: true,
    scope: 'exchange',
    params: [
      P.identity(true),
      P.str('Member', { mandatory: true }),
      P.sw('BypassSecurityGroupManagerCheck'),
    ],
    run(ctx, p) {
      const group = roleGroup(p.req('Identity'))
      const member = resolveMember(ctx, p.req('Member'))
      const current = ctx.tenant.exchangeRbac?.roleGroupMembers[group] ?? []
      if (current.some((m) => m.toLowerCase() === member.toLowerCase()))
        throw new CmdletError(
          'Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException',
          `The recipient "${p.req('Member')}" is already a member of the group "${group}".`,
        )
      const state = rbacState(ctx.tenant)
      ;(state.roleGroupMembers[group] ??= []).push(member)
    },
  },
]
