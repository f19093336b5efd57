import type { Change, JsonObject } from '../change.js'
import type { CmdletCall } from '../cmdlet.js'
import type { SurfaceState } from '../model/snapshot.js'
import { defineSurface, type SurfaceSpec } from './define.js'
import { updateParams } from './list-params.js'
import { presetFindings } from './preset-findings.js'
import { identityOf, str, type Surface, type SurfaceRead } from './surface.js'

/** What differs between the named-policy surfaces passage only updates. */
export interface UpdateOnlySpec {
  kind: Surface['kind']
  title: string
  setCmdlet: string
  mdoOnly: boolean
  reads: readonly SurfaceRead[]
  load: SurfaceSpec['load']
  objects: (s: SurfaceState) => JsonObject[]
  withObjects: (s: SurfaceState, o: JsonObject[]) => SurfaceState
  /** Fields passage may set or edit. */
  fields: readonly string[]
  /** The preset kind that overrides this policy for the recipients it covers. */
  preset?: 'EOP' | 'ATP'
}

/** A surface of named policies that passage only updates (never creates or removes). */
export function updateOnlyPolicy(spec: UpdateOnlySpec): Surface {
  const { setCmdlet, preset, ...rest } = spec
  return defineSurface({
    ...rest,
    key: (o) => str(o, 'Name').toLowerCase(),
    ordered: false,
    // A policy with nothing passage may set (Safe Attachments) is read only.
    ops: spec.fields.length ? ['update'] : [],
    calls(change: Change): CmdletCall[] {
      if (change.op !== 'update')
        throw new Error(`${spec.title}: passage only updates existing policies`)
      return [
        { cmdlet: setCmdlet, params: { Identity: identityOf(change), ...updateParams(change) } },
      ]
    },
    ...(preset
      ? {
          extraFindings: (_cur: JsonObject, change: Change, ctx) =>
            presetFindings(preset, change, ctx),
        }
      : {}),
  })
}
