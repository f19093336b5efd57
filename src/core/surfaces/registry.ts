import type { SurfaceKind } from '../change.js'
import { antiPhishSurface } from './anti-phish.js'
import { antiSpamSurface } from './anti-spam.js'
import { connectionFilterSurface } from './connection-filter.js'
import { inboundConnectorSurface } from './inbound-connector.js'
import { malwareFilterSurface } from './malware-filter.js'
import { phishSimPolicySurface } from './phish-sim-policy.js'
import { phishSimRuleSurface } from './phish-sim-rule.js'
import { presetRuleSurface } from './preset-rule.js'
import { quarantinePolicySurface } from './quarantine-policy.js'
import { safeAttachmentsSurface } from './safe-attachments.js'
import { safeLinksSurface } from './safe-links.js'
import type { Surface } from './surface.js'
import { tablItemSurface } from './tabl-item.js'
import { tablSpoofSurface } from './tabl-spoof.js'
import { transportRuleSurface } from './transport-rule.js'

/** Every surface, by kind: one entry per kind of Defender object passage reads or changes. */
export const SURFACES: Readonly<Record<SurfaceKind, Surface>> = Object.freeze({
  'transport-rule': transportRuleSurface,
  'connection-filter': connectionFilterSurface,
  'anti-spam': antiSpamSurface,
  'anti-phish': antiPhishSurface,
  'safe-links': safeLinksSurface,
  'safe-attachments': safeAttachmentsSurface,
  'tabl-item': tablItemSurface,
  'tabl-spoof': tablSpoofSurface,
  'quarantine-policy': quarantinePolicySurface,
  'phish-sim-policy': phishSimPolicySurface,
  'phish-sim-rule': phishSimRuleSurface,
  'inbound-connector': inboundConnectorSurface,
  'malware-filter': malwareFilterSurface,
  'preset-rule': presetRuleSurface,
})

/** Every surface, in a stable order. */
export const ALL_SURFACES: readonly Surface[] = Object.freeze(Object.values(SURFACES))

/** True when `kind` names a surface (a plan file's surface field is checked with it). */
export function isSurfaceKind(kind: string): kind is SurfaceKind {
  return Object.prototype.hasOwnProperty.call(SURFACES, kind)
}

/** The surface of a kind. */
export function surfaceOf(kind: SurfaceKind): Surface {
  const s = SURFACES[kind]
  if (!s) throw new Error(`no surface for ${kind}`)
  return s
}
