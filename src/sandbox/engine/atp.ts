/** Get/Set-AtpPolicyForO365 (Identity Default): Defender only (reference §3.10). */
import { AtpPolicy } from '../../core/model/atp-policy.js'
import { plainCopy } from './draft.js'
import { invalidValue, notFound } from './errors.js'
import { P } from './params.js'
import { applyFields } from './policy-common.js'
import type { CmdletDef, Ctx } from './types.js'

const SETTINGS = [
  P.bool('EnableATPForSPOTeamsODB'),
  P.bool('EnableSafeDocs'),
  P.bool('AllowSafeDocsOpen'),
]

function policy(ctx: Ctx, identity: string | undefined) {
  if (identity !== undefined && identity.trim().toLowerCase() !== 'default')
    throw notFound(identity)
  // A Defender tenant always has the Default ATP policy, even when the snapshot did not record it.
  ctx.snapshot.state.atpPolicy ??= AtpPolicy.parse({})
  return ctx.snapshot.state.atpPolicy
}

/** The ATP policy cmdlets. */
export const ATP_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-AtpPolicyForO365',
    write: false,
    scope: 'security',
    mdoOnly: true,
    params: [P.identity(false)],
    run: (ctx, p) => [
      { Identity: 'Default', Name: 'Default', ...plainCopy(policy(ctx, p.str('Identity'))) },
    ],
  },
  {
    name: 'Set-AtpPolicyForO365',
    write: true,
    scope: 'security',
    mdoOnly: true,
    params: [P.identity(false), ...SETTINGS],
    run(ctx, p) {
      const atp = policy(ctx, p.str('Identity'))
      applyFields(atp, p, SETTINGS)
      // Safe Documents needs Microsoft 365 A5/E5 Security (Plan 2 here), reference §3.10.
      if (atp.EnableSafeDocs && ctx.snapshot.licence !== 'mdo-p2')
        throw invalidValue(
          'Safe Documents requires a Microsoft 365 E5 Security or A5 Security licence.',
        )
    },
  },
]
