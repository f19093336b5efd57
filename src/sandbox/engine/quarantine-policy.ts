/** Get/New/Set/Remove-QuarantinePolicy (reference §3.9). */
import {
  BUILT_IN_QUARANTINE_POLICIES,
  hasConflictingReleaseBits,
  type QuarantinePolicy,
} from '../../core/model/quarantine-policy.js'
import { alreadyExists, invalidValue, notAllowedOnObject } from './errors.js'
import { findOne, present, selectByIdentity } from './objects.js'
import { P, type ParamSpec } from './params.js'
import { applyFields } from './policy-common.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkLength } from './validate.js'

const SETTINGS: ParamSpec[] = [
  P.str('AdminDisplayName'),
  P.int('EndUserQuarantinePermissionsValue', { min: 0, max: 255 }),
  P.bool('ESNEnabled'),
  P.int('QuarantineRetentionDays', { min: 1, max: 30 }),
]

const policies = (ctx: Ctx) => ctx.snapshot.state.quarantinePolicies
const isBuiltIn = (name: string) =>
  (BUILT_IN_QUARANTINE_POLICIES as readonly string[]).some(
    (b) => b.toLowerCase() === name.toLowerCase(),
  )

function validate(policy: QuarantinePolicy): void {
  checkLength(policy.AdminDisplayName, 256)
  // Release and RequestRelease exclude each other (reference §3.9).
  if (hasConflictingReleaseBits(policy.EndUserQuarantinePermissionsValue))
    throw invalidValue(
      "The permissions PermissionToRelease and PermissionToRequestRelease can't both be set. Choose one of them.",
    )
}

/** Which policies use a quarantine policy as a tag, for the remove check. */
function usedBy(ctx: Ctx, name: string): string[] {
  const n = name.toLowerCase()
  const s = ctx.snapshot.state
  const tags = [
    ...s.antiSpam.policies.flatMap((p) =>
      [
        p.SpamQuarantineTag,
        p.HighConfidenceSpamQuarantineTag,
        p.PhishQuarantineTag,
        p.HighConfidencePhishQuarantineTag,
        p.BulkQuarantineTag,
      ].map((t) => [p.Name, t] as const),
    ),
    ...s.antiPhish.policies.map((p) => [p.Name, p.SpoofQuarantineTag] as const),
    ...(s.safeAttachments?.policies ?? []).map((p) => [p.Name, p.QuarantineTag] as const),
  ]
  return [...new Set(tags.filter(([, t]) => t.toLowerCase() === n).map(([p]) => p))]
}

/** The quarantine policy cmdlets. */
export const QUARANTINE_POLICY_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-QuarantinePolicy',
    write: false,
    scope: 'security',
    params: [P.identity(false)],
    run: (ctx, p) =>
      selectByIdentity(policies(ctx), p.str('Identity')).map((o) => present(o, o.Name)),
  },
  {
    name: 'New-QuarantinePolicy',
    write: true,
    scope: 'security',
    params: [P.str('Name', { mandatory: true }), ...SETTINGS],
    run(ctx, p) {
      const name = p.req('Name')
      checkLength(name, 64)
      if (isBuiltIn(name) || policies(ctx).some((q) => q.Name.toLowerCase() === name.toLowerCase()))
        throw alreadyExists('quarantine policy', name)
      const policy: QuarantinePolicy = {
        Name: name,
        AdminDisplayName: null,
        EndUserQuarantinePermissionsValue: 0,
        ESNEnabled: false,
        // Exchange keeps quarantined messages 30 days unless told otherwise.
        QuarantineRetentionDays: 30,
      }
      applyFields(policy, p, SETTINGS)
      validate(policy)
      policies(ctx).push(policy)
      return [present(policy, policy.Name)]
    },
  },
  {
    name: 'Set-QuarantinePolicy',
    write: true,
    scope: 'security',
    params: [P.identity(), ...SETTINGS],
    run(ctx, p) {
      const policy = findOne(policies(ctx), p.req('Identity'))
      applyFields(policy, p, SETTINGS)
      validate(policy)
    },
  },
  {
    name: 'Remove-QuarantinePolicy',
    write: true,
    scope: 'security',
    params: [P.identity()],
    run(ctx, p) {
      const policy = findOne(policies(ctx), p.req('Identity'))
      if (isBuiltIn(policy.Name))
        throw notAllowedOnObject(
          `The built-in quarantine policy '${policy.Name}' can't be removed.`,
        )
      const users = usedBy(ctx, policy.Name)
      if (users.length)
        throw notAllowedOnObject(
          `The quarantine policy '${policy.Name}' can't be removed because it's used by: ${users.join(', ')}.`,
        )
      policies(ctx).splice(policies(ctx).indexOf(policy), 1)
    },
  },
]
