/**
 * Get-* output in the shape Exchange Online returns it (issue 17): the admin API routes pass every
 * page of a successful read through `shapeOutput` before `$select`. Cmdlets without a recorded
 * real shape pass through unchanged (their behaviour register row says so). Shaping maps object
 * for object, so the routes shape only the page they answer.
 */
import type { ShapeContext } from './common.js'
import { POLICY_SHAPES, policyJson, policyShape } from './policies.js'
import { transportRuleJson, transportRuleShape } from './transport-rule.js'

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

/**
 * Each object of a read as JSON text, `JSON.stringify` of what shapeOutput gives for it, written
 * without building the object (common.ts's serializeJson); null for a cmdlet without a recorded
 * shape (its objects pass through as they are).
 */
export function shapeOutputJson(
  cmdlet: string,
  objects: readonly Record<string, unknown>[],
  ctx: ShapeContext,
): string[] | null {
  const key = cmdlet.trim().toLowerCase()
  if (key === 'get-transportrule') return objects.map((o) => transportRuleJson(o, ctx))
  const policy = POLICY_SHAPES[key]
  if (policy) return objects.map((o) => policyJson(policy, o, ctx))
  return null
}
