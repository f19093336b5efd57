import type { ErrorCode, PassageError } from '../errors/index.js'
import type { MechanismDef } from '../protections/definitions.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import type { PlanContext } from './context.js'
import type { Draft } from './draft.js'

/** Whether a mechanism can work for this tenant and vendor, and if not, why (and which refusal it is). */
export type Availability = { ok: true } | { ok: false; reason: string; refusal?: ErrorCode }

/** What every mechanism module holds: its definition, and what it needs of the tenant and vendor. */
interface MechanismBase {
  /** What it is, for people (the wizard, `vendors`, plan output). */
  def: MechanismDef
  /**
   * The kind of preset whose policies win over the policies it changes; set for policy-level
   * mechanisms only (a preset covering some users means those users would stay unchanged).
   */
  presetKind?: 'EOP' | 'ATP'
  /** It allow-lists by the vendor's sender domains, so the tenant's own domains must be refused. */
  allowsByDomain?: boolean
  /**
   * What it can do with mail Microsoft detects as high-confidence phish when MX does not point to
   * Microsoft 365 (secure-by-default.md, "Non-Microsoft filters"): `delivers` for the overrides that
   * page lists (SCL -1 rules, Tenant Allow/Block List allows, anti-spam allowed senders), `unknown`
   * where Microsoft is silent (the IP Allow List). Absent: it allows nothing past high-confidence phish.
   */
  highConfidencePhishOffMicrosoftMx?: 'delivers' | 'unknown'
  /**
   * What this tenant and vendor lack for it, beyond what its definition says (refusal, licence,
   * vendor categories) and presets, which the registry checks for every mechanism alike.
   */
  availability(ctx: PlanContext): Availability
  /** Whether it serves one protection in particular; all of its protections when absent. */
  serves?(protection: ProtectionId, ctx: PlanContext): Availability
  /** Safety refusals of its own (design.md), on top of the ones every plan gets. */
  safety?(ctx: PlanContext): PassageError[]
  /** Another mechanism it cannot work without in this tenant, if any (added to the plan). */
  requires?(ctx: PlanContext): Requirement | null
  /** What an admin must know when it is planned. */
  notices?(ctx: PlanContext): Notice[]
}

/** A mechanism another one needs here, and what to say about it. */
export interface Requirement {
  mechanism: MechanismId
  /** The protection it is planned under. */
  protection: ProtectionId
  /** Why it is needed, as the planned protection's `why`. */
  why: string
  /** The notice saying it was added. */
  notice: string
  /** The start of the refusal when it is not available here ("X needs Y when ..."). */
  needs: string
}

/**
 * A notice for the plan. Notices of all mechanisms are sorted by rank (in tens; the planner's own
 * notice about relay routing is 20) so that a plan's notices always come in the same order.
 */
export interface Notice {
  rank: number
  text: string
}

/** A mechanism that changes objects of its own (list entries, policies, connectors). */
export interface ObjectMechanism extends MechanismBase {
  kind: 'objects'
  /** The drafts of its changes; throws a PassageError when it must refuse. */
  build(ctx: PlanContext, protections: ProtectionId[]): Draft[]
}

/**
 * A mechanism carried by a mail flow rule. Several of them may share one rule, so each gives its
 * part and one builder (rules.ts) assembles the vendor's rules from the parts.
 */
export interface RuleMechanism extends MechanismBase {
  kind: 'rule'
  /** Its part of the vendor's mail flow rules. */
  rule(ctx: PlanContext, protections: ProtectionId[]): RulePart
}

/** A mechanism: one module under core/mechanisms/ each, listed in the registry. */
export type Mechanism = ObjectMechanism | RuleMechanism

/** A header a passage rule sets. */
export interface RuleHeader {
  name: string
  value: string
}

/** One mechanism's part of a mail flow rule; parts with the same group make one rule. */
export interface RulePart {
  /** Parts of one group become one rule. */
  group: string
  /**
   * Where the part goes: groups are ordered by their first part, and the first part of a group
   * leads it (its name and mechanism are the rule's).
   */
  order: number
  /** The rule's name (without passage's prefix) when this part leads. */
  name: string
  /** What the part does, in words ("bypass Clutter"). */
  purpose: string
  mechanism: MechanismId
  protections: ProtectionId[]
  /** The spam confidence level it sets, if any. */
  scl?: number
  /** The header it sets, if any (a rule sets one: the first part's that has one). */
  header?: RuleHeader
  /** Whether the rule stops processing later rules. */
  stop: boolean
}
