/** The request bodies the API accepts, as zod schemas (core's own schemas where they exist). */
import { z } from 'zod'
import { MechanismId, ProtectionId } from '../core/protections/ids.js'
import { VendorProfile } from '../core/vendor/profile.js'

/** A connection id (from a finished sign-in). */
export const ConnectionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be a connection id')

/** A vendor of the catalog (or `custom`) with its parameters. */
export const VendorChoice = z.object({
  id: VendorProfile.shape.id.max(64),
  params: z
    .record(
      z
        .string()
        .regex(/^[a-zA-Z][a-zA-Z0-9]*$/)
        .max(64),
      z.string().max(4000),
    )
    .default({}),
})
export type VendorChoice = z.infer<typeof VendorChoice>

/** The admin's choices for a plan. */
export const PlanRequest = z.object({
  connection: ConnectionId,
  vendor: VendorChoice,
  protections: z.array(ProtectionId).max(ProtectionId.options.length).optional(),
  mode: z.enum(['recommended', 'recipe']).default('recommended'),
  mechanisms: z.partialRecord(ProtectionId, MechanismId).optional(),
  /** Presets to take their covered recipients out of: an explicit, high-risk choice. */
  presetExceptions: z
    .array(z.enum(['Standard', 'Strict']))
    .max(2)
    .optional(),
})
export type PlanRequest = z.infer<typeof PlanRequest>

export const SignInRequest = z.object({
  tenant: z
    .string()
    .trim()
    .min(1, 'enter the tenant')
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$/, 'must be a domain name or a tenant GUID'),
})

export const ConnectionRequest = z.object({ connection: ConnectionId })

export const OptionsRequest = z.object({ connection: ConnectionId, vendor: VendorChoice })

export const DiscoveryRequest = z.object({
  connection: ConnectionId,
  vendor: VendorChoice.optional(),
})

export const PlanRef = z.object({
  connection: ConnectionId,
  planHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a plan hash'),
})

export const CheckRequest = z.object({
  connection: ConnectionId,
  planHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
})

export const DeliveryRequest = z.object({
  connection: ConnectionId,
  vendor: VendorChoice,
  /** Sandbox only: send the vendor's typical messages first. */
  send: z.boolean().default(false),
  /** How far back to look, in hours (default 48; message trace keeps 90 days). */
  hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(48),
})

export const ExplainRequest = z.object({
  headers: z
    .string()
    .min(1, 'paste the headers')
    .max(512 * 1024),
  vendor: VendorChoice.optional(),
})

export const RollbackRequest = z.object({
  connection: ConnectionId,
  confirm: z.literal(true, { error: 'confirm the rollback' }),
})

export const RunsQuery = z.object({ connection: ConnectionId })
export const IdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) })
export const RunIdParam = z.object({ id: z.coerce.number().int().positive() })
