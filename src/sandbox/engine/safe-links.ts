/** Get/Set-SafeLinksPolicy and Get-SafeLinksRule: Defender only (reference §3.5). */
import { validDoNotRewriteEntry } from '../../core/evaluator/index.js'
import type { SafeLinksRule } from '../../core/model/safe-links.js'
import { invalidValue } from './errors.js'
import { findOne, present, selectByIdentity } from './objects.js'
import { P, type ParamSpec } from './params.js'
import { applyFields, getRuleCmdlet, refuseBuiltIn, type RuleFamily } from './policy-common.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkLength } from './validate.js'

const SETTINGS: ParamSpec[] = [
  P.str('AdminDisplayName'),
  P.bool('EnableSafeLinksForEmail'),
  P.bool('DisableUrlRewrite'),
  P.bool('ScanUrls'),
  P.bool('DeliverMessageAfterScan'),
  P.bool('EnableForInternalSenders'),
  P.bool('TrackClicks'),
  P.bool('AllowClickThrough'),
  P.mvp('DoNotRewriteUrls'),
]

// The engine never runs these cmdlets on a tenant without Defender, where safeLinks is null.
const state = (ctx: Ctx) => ctx.snapshot.state.safeLinks ?? { policies: [], rules: [] }

const family: RuleFamily<SafeLinksRule> = {
  noun: 'SafeLinksRule',
  policyField: 'SafeLinksPolicy',
  scope: 'security',
  mdoOnly: true,
  rules: (ctx) => state(ctx).rules,
  policies: (ctx) => state(ctx).policies,
}

/** The Safe Links cmdlets. */
export const SAFE_LINKS_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-SafeLinksPolicy',
    write: false,
    scope: 'security',
    mdoOnly: true,
    params: [P.identity(false)],
    run: (ctx, p) =>
      selectByIdentity(state(ctx).policies, p.str('Identity')).map((o) => present(o, o.Name)),
  },
  {
    name: 'Set-SafeLinksPolicy',
    write: true,
    scope: 'security',
    mdoOnly: true,
    params: [P.identity(), ...SETTINGS],
    run(ctx, p) {
      const policy = findOne(state(ctx).policies, p.req('Identity'))
      refuseBuiltIn(policy)
      applyFields(policy, p, SETTINGS)
      checkLength(policy.AdminDisplayName, 256)
      for (const e of policy.DoNotRewriteUrls)
        if (!validDoNotRewriteEntry(e))
          throw invalidValue(
            `'${e}' isn't a valid DoNotRewriteUrls entry: use at most three wildcards (*).`,
          )
    },
  },
  getRuleCmdlet(family),
]
