// Availability is decided by the mechanisms' registry (core/mechanisms/registry.ts); re-exported
// here because the planner's callers (app, server) ask it through this path.
export {
  availability,
  availabilityFor,
  presetConflict,
  type Availability,
} from '../mechanisms/index.js'
