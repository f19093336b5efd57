// What the two quarantine mechanisms share: one passage policy, used for spam and bulk.
import { PASSAGE_MARKER } from '../model/common.js'
import { QUARANTINE_PRESETS } from '../model/quarantine-policy.js'
import type { ProtectionId } from '../protections/ids.js'
import type { PlanContext } from './context.js'
import { create, setFields, type Draft, type DraftMeta } from './draft.js'
import { antiSpamInForce, asJson, drafts, refuseIfPreset } from './helpers.js'

/** What both quarantine mechanisms say (the plan says it once). */
export const QUARANTINE_NOTICE = {
  rank: 40,
  text: 'Quarantine policies apply only where the anti-spam action is Quarantine; with Move to Junk nothing is held.',
}

/** Name of the quarantine policy passage creates for a vendor. */
export function quarantinePolicyName(vendorId: string): string {
  return `passage-${vendorId}-notify`
}

/** The quarantine policy with notifications on, and the anti-spam policies pointed at it. */
export function buildQuarantine(
  ctx: PlanContext,
  protections: ProtectionId[],
  access: 'FullAccess' | 'LimitedAccess',
): Draft[] {
  const mechanism = access === 'FullAccess' ? 'quarantine-release' : 'quarantine-notify'
  const meta: DraftMeta = { protections, mechanism }
  const v = ctx.vendor
  refuseIfPreset(ctx, 'EOP', 'Changing quarantine notifications')
  const name = quarantinePolicyName(v.id)
  const permissions = QUARANTINE_PRESETS[access]
  const existing = ctx.snapshot.state.quarantinePolicies.find((q) => q.Name.toLowerCase() === name)
  const desired = {
    Name: name,
    EndUserQuarantinePermissionsValue: permissions,
    ESNEnabled: true,
    AdminDisplayName: `${PASSAGE_MARKER} vendor=${v.id}`,
  }
  const out: (Draft | null)[] = [
    existing
      ? setFields(
          'quarantine-policy',
          asJson(existing),
          { EndUserQuarantinePermissionsValue: permissions, ESNEnabled: true },
          meta,
          `Update quarantine policy '${name}'`,
        )
      : create(
          'quarantine-policy',
          desired,
          meta,
          `Create quarantine policy '${name}' (notifications on, ${access === 'FullAccess' ? 'users may release' : 'users may request release'})`,
        ),
  ]
  for (const p of antiSpamInForce(ctx)) {
    const d = setFields(
      'anti-spam',
      asJson(p),
      { SpamQuarantineTag: name, BulkQuarantineTag: name },
      meta,
      `Use quarantine policy '${name}' for spam and bulk in '${p.Name}'`,
    )
    if (d) out.push({ ...d, after_targets: [`quarantine-policy:${name}`] })
  }
  return drafts(out)
}
