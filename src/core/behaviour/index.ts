import { ROWS as client } from './client.js'
import { ROWS as evaluator } from './evaluator.js'
import { ROWS as headers } from './headers.js'
import { ROWS as limits } from './limits.js'
import { ROWS as planner } from './planner.js'
import { ROWS as sandbox } from './sandbox.js'
import type { BehaviourRow } from './types.js'

export type { BehaviourArea, BehaviourRow, BehaviourSource } from './types.js'

/**
 * The behaviour register: every behaviour of Microsoft 365 that passage models, with its source.
 * `docs/microsoft-behaviour.md` is rendered from it (`npm run docs:behaviour`).
 */
export const REGISTER: readonly BehaviourRow[] = [
  ...evaluator,
  ...headers,
  ...planner,
  ...limits,
  ...client,
  ...sandbox,
]

/** A row by id, or undefined. */
export function behaviour(id: string): BehaviourRow | undefined {
  return REGISTER.find((r) => r.id === id)
}
