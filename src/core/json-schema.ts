import { z } from 'zod'
import type { Json, JsonObject } from './change.js'

/** Any JSON value (plan files, stored objects, audit details). */
export const JsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonSchema),
    z.record(z.string(), JsonSchema),
  ]),
)

/** Any JSON object (one Exchange object's state, audit details). */
export const JsonObjectSchema: z.ZodType<JsonObject> = z.record(z.string(), JsonSchema)
