import type { Change, JsonObject } from '../change.js'
import { diffObject } from './generic/diff.js'
import { driftFields } from './generic/drift.js'
import { undoChange } from './generic/undo.js'
import { effectFindings } from './generic/verify.js'
import type { Finding, Surface, VerifyContext } from './surface.js'

/**
 * What a surface must say about itself; the rest (diff, inverse, verify, drift) is Exchange's
 * generic object semantics unless the surface gives its own.
 */
export type SurfaceSpec = Omit<Surface, 'diff' | 'inverse' | 'verify' | 'drift'> &
  Partial<Pick<Surface, 'diff' | 'inverse' | 'drift'>> & {
    /** Findings beyond "is the change in effect" (a disabled rule, an expiring entry, ...). */
    extraFindings?(current: JsonObject, change: Change, ctx: VerifyContext): Finding[]
  }

/** A surface from its spec, with the generic pure functions where it gives none. */
export function defineSurface(spec: SurfaceSpec): Surface {
  const { extraFindings, ...rest } = spec
  const surface: Surface = {
    diff: (current, desired) => diffObject(spec.key, current, desired),
    inverse: (change, prior, current, opts) =>
      undoChange(change, prior, current, (c) => surface.calls(c), opts?.force === true),
    drift: driftFields,
    verify(current, change, ctx) {
      const out = effectFindings(current, change)
      // An object Exchange returned in a shape passage could not read (issue 17): its effect is
      // uncertain, so check says so instead of calling it green.
      if (current && typeof current.NotUnderstood === 'string')
        out.push({
          changeId: change.id,
          target: change.target,
          problem: `passage could not read ${spec.title.toLowerCase()} '${String(current.Name ?? change.target)}' as Exchange returned it`,
          diagnosis: `Only its identity was kept (${current.NotUnderstood}); whether it works as planned is uncertain.`,
          fix: 'Check the object in the Microsoft 365 Defender portal, or report the shape to passage.',
        })
      if (current && change.op !== 'remove' && extraFindings)
        out.push(...extraFindings(current, change, ctx))
      return out
    },
    ...rest,
  }
  return Object.freeze(surface)
}

/** Calls for a surface that passage never changes (read only). */
export function readOnly(title: string): (change: Change) => never {
  return () => {
    throw new Error(`${title}: passage only reads this surface`)
  }
}
