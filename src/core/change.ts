import type { CmdletCall } from './cmdlet.js'
import type { MechanismId, ProtectionId } from './protections/ids.js'

/** The kinds of Defender object passage reads and changes (design.md, Surfaces). */
export type SurfaceKind =
  | 'transport-rule'
  | 'connection-filter'
  | 'anti-spam'
  | 'anti-phish'
  | 'safe-links'
  | 'safe-attachments'
  | 'tabl-item'
  | 'tabl-spoof'
  | 'quarantine-policy'
  | 'phish-sim-policy'
  | 'phish-sim-rule'
  | 'inbound-connector'
  | 'malware-filter'
  /** The Standard/Strict preset rules' recipient exceptions (an explicit, high-risk choice). */
  | 'preset-rule'

/** How risky a change is for the tenant. */
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical'

/** A plain JSON value (what before/after objects are made of). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/** A JSON object: one Exchange object's state. */
export type JsonObject = { [key: string]: Json }

/** A Microsoft limit a change touches: how much of it is used before and after. */
export interface LimitNote {
  limit: string
  max: number
  before: number
  after: number
}

/** A baseline check (ORCA, CIS, CISA ScubaGear, Maester) that a change will make fail. */
export interface BaselineHit {
  scanner: 'ORCA' | 'CIS' | 'CISA' | 'Maester'
  check: string
  title: string
}

/**
 * One change to one object. `before`/`after` are full object states (null when it does not exist);
 * updates also say exactly which fields they set and which list entries they add or remove, so that
 * applying and undoing touch only what passage owns.
 */
export interface Change {
  id: string
  surface: SurfaceKind
  op: 'create' | 'update' | 'remove'
  /** The object's key on its surface (rule name, policy name, `Url:Allow:example.com`, ...). */
  target: string
  protections: ProtectionId[]
  mechanism: MechanismId
  summary: string
  before: JsonObject | null
  after: JsonObject | null
  set?: JsonObject
  add?: Record<string, string[]>
  remove?: Record<string, string[]>
  calls: CmdletCall[]
  risk: { level: RiskLevel; reason: string }
  limits: LimitNote[]
  baselines: BaselineHit[]
  dependsOn: string[]
}
