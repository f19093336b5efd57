// The plan format moved to core/plan-format.ts (readers of plans need not import the planner);
// re-exported here so that existing importers keep working.
export {
  PLAN_VERSION,
  PlanSchema,
  type Choices,
  type Plan,
  type PlannedProtection,
  type PresetCoverageNote,
  type PresetName,
  type PresetOption,
} from '../plan-format.js'
