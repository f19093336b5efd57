/**
 * Simulation: the vendor's typical messages evaluated against a tenant before and after a plan,
 * so an admin sees the plan works before touching the tenant.
 */
export {
  afterChanges,
  simulate,
  type Outcome,
  type Simulation,
  type SimulationRow,
} from './compare.js'
export {
  CATEGORY_DETECTIONS,
  defaultRecipients,
  typicalMessages,
  type DetectionInput,
  type TypicalMessage,
  type TypicalOptions,
} from './typical.js'
