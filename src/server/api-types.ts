/**
 * The wizard API's types, for the web client (`web/src/types.ts` re-exports them): request bodies
 * from the server's zod schemas, answers from the views and use cases that build them. Nothing is
 * copied by hand, so a change on the server that the client does not follow fails its type-check.
 *
 * Types only, and every module reached from here is free of Node imports: the web client's
 * program has no Node types, and `import type` is erased, so the browser bundle gets no server
 * code. Keep it that way (type-only imports of node-free modules).
 */
import type { z } from 'zod'
import type { PlannedChoices, ProtectionOption } from '../app/plan-options.js'
import type * as journeyViews from './journey-view.js'
import type * as schemas from './schemas.js'
import type * as views from './views.js'

/** How risky a change or mechanism is; a JSON value and object (an Exchange object's state). */
export type { Change, Json as JsonValue, JsonObject, RiskLevel as Risk } from '../core/change.js'
/** A frozen plan. */
export type { Plan } from '../core/plan-format.js'
/** The evaluator's verdicts before and after a plan. */
export type { Outcome, Simulation } from '../core/simulate/index.js'
/** An error in an API answer (`{ error }` with any status but 2xx). */
export type { ApiError as ApiErrorBody } from './errors.js'
/** The answer of POST /api/plan: the plan, its PowerShell, simulation and display titles. */
export type PlanResult = PlannedChoices & { journeys: Journeys }
/** Where a plan's copies land per group of recipients, and the mail's path as text. */
export type Journeys = ReturnType<typeof journeyViews.simulationJourneyView>
/** A message's path through Defender's stages, and one stage of it. */
export type { Journey, JourneyStage, LandingGroup, Placement } from '../core/journey/index.js'

/** A vendor of the catalog (or `custom`) with its parameters, as the wizard sends it. */
export type VendorChoice = z.output<typeof schemas.VendorChoice>
/** The body of POST /api/plan. */
export type PlanRequest = z.input<typeof schemas.PlanRequest>

/** A catalog vendor as GET /api/vendors lists it. */
export type Vendor = ReturnType<typeof views.vendorView>
/** One parameter a vendor asks for. */
export type VendorParam = Vendor['params'][number]

/** The embedded sandbox's tenants and accounts (GET /api/info; null against Microsoft). */
export type SandboxInfo = ReturnType<typeof views.sandboxView>

/** A device-code sign-in as the wizard polls it. */
export type SignIn = ReturnType<typeof views.signInView>

/** What discovery found (POST /api/discovery). */
export type Discovery = ReturnType<typeof views.discoveryView>

/** A protection the admin may tick, and one of its mechanisms (POST /api/protections/options). */
export type { ProtectionOption }
export type MechanismOption = ProtectionOption['mechanisms'][number]

/** An apply job and one of its steps (POST /api/apply, GET /api/apply/:id, its events). */
export type ApplyJob = ReturnType<typeof views.jobView>
export type JobStep = ApplyJob['steps'][number]

/** A configuration check (POST /api/check). */
export type CheckResult = views.CheckView

/** A test-delivery report (POST /api/delivery). */
export type Delivery = views.DeliveryView & { sandbox: boolean }

/** Pasted headers explained (POST /api/headers/explain). */
export type Explanation = ReturnType<typeof views.explanationView>

/** A run in the history (GET /api/runs), and one run in detail (GET /api/runs/:id). */
export type Run = ReturnType<typeof views.runView>
export type RunDetail = ReturnType<typeof views.runDetailView>

/** A rollback (POST /api/runs/:id/rollback). */
export type RollbackResult = views.RollbackView
