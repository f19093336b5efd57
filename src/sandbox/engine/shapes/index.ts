/**
 * Get-* output in the shape Exchange Online returns it (issue 17): the admin API routes pass every
 * page of a successful read through `shapeOutput` before `$select`. Cmdlets without a recorded
 * real shape pass through unchanged (their behaviour register row says so). Shaping maps object
 * for object, so the routes shape only the page they answer.
 */
import type { ShapeContext } from './common.js'
import { POLICY_SHAPES, policyShape } from './policies.js'
import { transportRuleShape } from './transport-rule.js'

export type { ShapeContext } from './common.js'

/** The Get-* cmdlets whose output the sandbox serves in a recorded real shape. */
export const SHAPED_CMDLETS: readonly string[] = [
  'Get-TransportRule',
  ...Object.keys(POLICY_SHAPES),
]

/** A read's objects as Exchange returns them for this cmdlet. */
export function shapeOutput(
  cmdlet: string,
  objects: readonly Record<string, unknown>[],
  ctx: ShapeContext,
): Record<string, unknown>[] {
  const key = cmdlet.trim().toLowerCase()
  if (key === 'get-transportrule') return objects.map((o) => transportRuleShape(o, ctx))
  const policy = POLICY_SHAPES[key]
  if (policy) return objects.map((o) => policyShape(policy, o, ctx))
  return [...objects]
}
