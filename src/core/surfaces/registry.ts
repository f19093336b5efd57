import type { SurfaceKind } from '../change.js'
import { phishSimPolicySurface, phishSimRuleSurface } from './advanced-delivery.js'
import {
  antiPhishSurface,
  antiSpamSurface,
  connectionFilterSurface,
  inboundConnectorSurface,
  quarantinePolicySurface,
  safeLinksSurface,
} from './policies.js'
import type { Surface } from './surface.js'
import { tablItemSurface, tablSpoofSurface } from './tabl.js'
import { transportRuleSurface } from './transport-rule.js'

/** Every surface passage changes, by kind. */
export const SURFACES: Partial<Record<SurfaceKind, Surface>> = Object.fromEntries(
  [
    transportRuleSurface,
    connectionFilterSurface,
    antiSpamSurface,
    antiPhishSurface,
    safeLinksSurface,
    tablItemSurface,
    tablSpoofSurface,
    quarantinePolicySurface,
    phishSimPolicySurface,
    phishSimRuleSurface,
    inboundConnectorSurface,
  ].map((s) => [s.kind, s]),
)

/** The surface of a kind; throws for a kind passage does not change. */
export function surfaceOf(kind: SurfaceKind): Surface {
  const s = SURFACES[kind]
  if (!s) throw new Error(`no surface for ${kind}`)
  return s
}
