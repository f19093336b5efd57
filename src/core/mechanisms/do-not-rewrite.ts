import { policiesInForce, type PlanContext } from './context.js'
import { addEntries } from './draft.js'
import { asJson, drafts, no, refuseIfPreset, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** The custom Safe Links policies in force (the built-in protection policy cannot be edited). */
function safeLinksInForce(ctx: PlanContext) {
  const s = ctx.snapshot.state.safeLinks
  if (!s) return []
  return policiesInForce(s.policies, s.rules, (r) => r.SafeLinksPolicy)
}

/** The vendor's tracking domains in "do not rewrite" of every Safe Links policy in force. */
export const doNotRewrite: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'do-not-rewrite',
    needs: 'Defender P1 or P2; a custom Safe Links policy; no preset covering users',
    title: 'Safe Links “do not rewrite” entries for the tracking domains',
    risk: 'medium',
    riskReason:
      'Links to those domains are not wrapped at delivery (still checked at click); applies to every sender using those domains.',
    needsDefender: true,
  },
  presetKind: 'ATP',
  availability(ctx) {
    const v = ctx.vendor
    if (v.category === 'phishing-simulation')
      return no(
        'simulation URLs must not go in “do not rewrite” (Microsoft: it causes click alerts); advanced delivery handles them',
      )
    if (!v.sending.linkDomains.length) return no(`${v.name} has no link or tracking domains`)
    if (!safeLinksInForce(ctx).length)
      return no(
        'no custom Safe Links policy is in force, and the built-in protection policy cannot be edited',
      )
    return yes
  },
  build(ctx, protections) {
    const v = ctx.vendor
    refuseIfPreset(ctx, 'ATP', `Excluding ${v.name}'s links from Safe Links rewriting`)
    const entries = v.sending.linkDomains.flatMap((d) => [`${d}/*`, `*.${d}/*`])
    return drafts(
      safeLinksInForce(ctx).map((p) =>
        addEntries(
          'safe-links',
          asJson(p),
          'DoNotRewriteUrls',
          entries,
          { protections, mechanism: 'do-not-rewrite' },
          `Do not rewrite ${v.name}'s tracking links in Safe Links policy '${p.Name}'`,
        ),
      ),
    )
  },
}
