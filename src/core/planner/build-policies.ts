import type { JsonObject } from '../change.js'
import { PassageError } from '../errors/index.js'
import { PASSAGE_MARKER } from '../model/common.js'
import { QUARANTINE_PRESETS } from '../model/quarantine-policy.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import {
  describeScope,
  policiesInForce,
  presetsInForce,
  vendorSenderDomains,
  type PlanContext,
} from './context.js'
import { addEntries, create, setFields, type Draft, type DraftMeta } from './draft.js'

const asJson = (o: object) => o as unknown as JsonObject

/** Refuses a policy-level change when a preset covers some recipients: presets always win. */
function refuseIfPreset(ctx: PlanContext, kind: 'EOP' | 'ATP', what: string): void {
  const presets = presetsInForce(ctx, kind)
  if (!presets.length) return
  const who = presets.map((p) => `the ${p.Preset} preset covers ${describeScope(p)}`).join('; ')
  throw new PassageError(
    'PASSAGE_E_REFUSED_PRESET',
    `${what} would not reach everyone: ${who}. Those users would stay unchanged, because preset security policies win over custom and default policies.`,
    { details: { presets: presets.map((p) => p.Name) } },
  )
}

function antiSpamInForce(ctx: PlanContext) {
  const s = ctx.snapshot.state.antiSpam
  return policiesInForce(
    s.policies,
    s.rules,
    (r) => (r as { HostedContentFilterPolicy?: string }).HostedContentFilterPolicy ?? '',
  )
}

/** Name of the quarantine policy passage creates for a vendor. */
export function quarantinePolicyName(vendorId: string): string {
  return `passage-${vendorId}-notify`
}

/** Drafts for mechanisms that change policies (connection filter, anti-spam, anti-phish, Safe Links, quarantine). */
export function buildPolicyMechanism(
  ctx: PlanContext,
  mechanism: MechanismId,
  protections: ProtectionId[],
): Draft[] {
  const meta: DraftMeta = { protections, mechanism }
  const v = ctx.vendor
  const st = ctx.snapshot.state
  const out: (Draft | null)[] = []
  switch (mechanism) {
    case 'ip-allow':
      out.push(
        addEntries(
          'connection-filter',
          asJson(st.connectionFilter),
          'IPAllowList',
          v.sending.ips,
          meta,
          `Add ${v.name}'s IPs to the connection filter IP Allow List`,
        ),
      )
      break
    case 'safe-list':
      out.push(
        setFields(
          'connection-filter',
          asJson(st.connectionFilter),
          { EnableSafeList: true },
          meta,
          'Turn on the connection filter safe list',
        ),
      )
      break
    case 'antispam-allowed-senders':
      refuseIfPreset(ctx, 'EOP', `Adding ${v.name} to anti-spam allowed senders`)
      for (const p of antiSpamInForce(ctx))
        out.push(
          addEntries(
            'anti-spam',
            asJson(p),
            'AllowedSenderDomains',
            vendorSenderDomains(ctx),
            meta,
            `Allow ${v.name}'s domains in anti-spam policy '${p.Name}'`,
          ),
        )
      break
    case 'bulk-threshold':
      refuseIfPreset(ctx, 'EOP', 'Raising the bulk threshold')
      for (const p of antiSpamInForce(ctx))
        if (p.BulkThreshold < 9)
          out.push(
            setFields(
              'anti-spam',
              asJson(p),
              { BulkThreshold: 9 },
              meta,
              `Raise the bulk threshold of '${p.Name}' from ${p.BulkThreshold} to 9`,
            ),
          )
      break
    case 'disable-zap':
      refuseIfPreset(ctx, 'EOP', 'Turning spam ZAP off')
      for (const p of antiSpamInForce(ctx))
        out.push(
          setFields(
            'anti-spam',
            asJson(p),
            { SpamZapEnabled: false },
            meta,
            `Turn spam ZAP off in '${p.Name}' (phish ZAP stays on)`,
          ),
        )
      break
    case 'quarantine-notify':
    case 'quarantine-release': {
      refuseIfPreset(ctx, 'EOP', 'Changing quarantine notifications')
      const name = quarantinePolicyName(v.id)
      const permissions =
        mechanism === 'quarantine-release'
          ? QUARANTINE_PRESETS.FullAccess
          : QUARANTINE_PRESETS.LimitedAccess
      const existing = st.quarantinePolicies.find((q) => q.Name.toLowerCase() === name)
      const desired = {
        Name: name,
        EndUserQuarantinePermissionsValue: permissions,
        ESNEnabled: true,
        AdminDisplayName: `${PASSAGE_MARKER} vendor=${v.id}`,
      }
      if (!existing)
        out.push(
          create(
            'quarantine-policy',
            desired,
            meta,
            `Create quarantine policy '${name}' (notifications on, ${mechanism === 'quarantine-release' ? 'users may release' : 'users may request release'})`,
          ),
        )
      else
        out.push(
          setFields(
            'quarantine-policy',
            asJson(existing),
            { EndUserQuarantinePermissionsValue: permissions, ESNEnabled: true },
            meta,
            `Update quarantine policy '${name}'`,
          ),
        )
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
      break
    }
    case 'impersonation-exclusion': {
      refuseIfPreset(ctx, 'ATP', `Excluding ${v.name} from impersonation protection`)
      const s = st.antiPhish
      for (const p of policiesInForce(
        s.policies,
        s.rules,
        (r) => (r as { AntiPhishPolicy?: string }).AntiPhishPolicy ?? '',
      ))
        out.push(
          addEntries(
            'anti-phish',
            asJson(p),
            'ExcludedDomains',
            vendorSenderDomains(ctx),
            meta,
            `Trust ${v.name}'s domains in anti-phishing policy '${p.Name}'`,
          ),
        )
      break
    }
    case 'do-not-rewrite': {
      refuseIfPreset(ctx, 'ATP', `Excluding ${v.name}'s links from Safe Links rewriting`)
      const s = st.safeLinks
      if (!s) break
      const entries = v.sending.linkDomains.flatMap((d) => [`${d}/*`, `*.${d}/*`])
      for (const p of policiesInForce(
        s.policies,
        s.rules,
        (r) => (r as { SafeLinksPolicy?: string }).SafeLinksPolicy ?? '',
      ))
        out.push(
          addEntries(
            'safe-links',
            asJson(p),
            'DoNotRewriteUrls',
            entries,
            meta,
            `Do not rewrite ${v.name}'s tracking links in Safe Links policy '${p.Name}'`,
          ),
        )
      break
    }
    default:
      throw new Error(`not a policy mechanism: ${mechanism}`)
  }
  return out.filter((d): d is Draft => d !== null)
}
