import type { BehaviourRow } from './types.js'

/** The limits behaviours passage models, each traced to Microsoft (see types.ts). */
export const ROWS: readonly BehaviourRow[] = []
