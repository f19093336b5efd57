/** The fleet dashboard's queries and bodies, as zod schemas (`passage serve --fleet`). */
import { z } from 'zod'
import {
  DASHBOARD_CHECKS,
  DASHBOARD_SORTS,
  type DashboardCheck,
  type DashboardSort,
} from '../../store/fleet-dashboard.js'
import { FLEET_TENANT_STATES, type FleetTenantState } from '../../store/index.js'
import { VendorChoice } from '../schemas.js'

/** An optional query field: an empty value (`?vendor=`) is the same as none. */
const optional = <S extends z.ZodTypeAny>(schema: S) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

/** A catalog vendor id (or `custom`). */
const VendorId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a vendor id')
/** A tenant tag as `passage fleet tag` sets them. */
const Tag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s,;"'<>]+$/, 'must be one tag, without spaces, commas or quotes')

const filterShape = {
  vendor: optional(VendorId),
  tag: optional(Tag),
  state: optional(z.enum(FLEET_TENANT_STATES as [FleetTenantState, ...FleetTenantState[]])),
  check: optional(z.enum(DASHBOARD_CHECKS as [DashboardCheck, ...DashboardCheck[]])),
  q: optional(z.string().max(200)),
}

/** Most rows one page may hold. */
export const MAX_PAGE = 200

/** GET /api/fleet/tenants. Unknown fields are refused (a typo is not a silent "no filter"). */
export const TenantsQuery = z.strictObject({
  ...filterShape,
  offset: optional(z.coerce.number().int().min(0).max(1_000_000)).default(0),
  limit: optional(z.coerce.number().int().min(1).max(MAX_PAGE)).default(50),
  sort: optional(z.enum(DASHBOARD_SORTS as unknown as [DashboardSort, ...DashboardSort[]])).default(
    'name',
  ),
})

/** GET /api/fleet/counts and /api/fleet/expiry. */
export const FilterQuery = z.strictObject(filterShape)

/** A fleet tenant id (a GUID, or the id enrolment recorded). */
export const TenantIdParam = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be a tenant id'),
})

/** A fleet plan id: `fp-` and hex digits (orchestrate.ts newFleetPlanId). */
export const FleetPlanId = z.string().regex(/^fp-[0-9a-f]{1,32}$/, 'must be a fleet plan id')
export const FleetPlanParam = z.object({ id: FleetPlanId })

/**
 * The tenants a fleet plan selects: `all`, `tag:<t>` or a comma list of ids or names. `file:` is
 * refused here: a web page must not make the server read a file of its choosing.
 */
const Selector = z
  .string()
  .trim()
  .min(1, 'choose the tenants')
  .max(100_000)
  .refine((s) => !s.startsWith('file:'), 'file: lists are for the command line only')

/** POST /api/fleet/plan. */
export const FleetPlanBody = z.strictObject({
  vendor: VendorChoice,
  tenants: Selector,
  protections: z.array(z.string().max(64)).max(32).optional(),
  mode: z.enum(['recommended', 'recipe']).default('recommended'),
  presetExceptions: z
    .array(z.enum(['Standard', 'Strict']))
    .max(2)
    .optional(),
})

/** POST /api/fleet/apply: a canary wave, then the rest (waves.ts applyFleet). */
export const FleetApplyBody = z.strictObject({
  fleetPlanId: FleetPlanId,
  canary: z.number().int().min(0).max(64).default(2),
  maxFailures: z.number().min(0).max(100).default(10),
})

/** POST /api/fleet/check. */
export const FleetCheckBody = z.strictObject({ fleetPlanId: FleetPlanId })

/** POST /api/fleet/rollback: confirmed, like the wizard's undo. */
export const FleetRollbackBody = z.strictObject({
  fleetPlanId: FleetPlanId,
  confirm: z.literal(true, { error: 'confirm the rollback' }),
})

/** POST /api/fleet/tenants/:id/rollback: undo one tenant's apply of a fleet plan. */
export const TenantRollbackBody = FleetRollbackBody
