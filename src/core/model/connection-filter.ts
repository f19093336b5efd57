import { z } from 'zod'
import { list, NotUnderstood } from './common.js'

/** The connection filter policy (there is only `Default`), reference §3.2. */
export const ConnectionFilterPolicy = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Name: z.string().default('Default'),
  IPAllowList: list(),
  IPBlockList: list(),
  EnableSafeList: z.boolean().default(false),
})
export type ConnectionFilterPolicy = z.infer<typeof ConnectionFilterPolicy>

/** Limits of the connection filter lists (reference §3.2). */
export const CONNECTION_FILTER_LIMITS = {
  maxEntries: 1273,
  narrowestPrefix: 32,
  widestPrefix: 24,
  maxRangeAddresses: 256,
} as const
