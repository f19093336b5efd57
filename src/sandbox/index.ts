/**
 * The sandbox: a local emulator of Exchange Online's admin API, Entra ID sign-in and Microsoft
 * Graph, served over HTTPS on loopback. `startSandbox` runs it; the rest is for tests and tools.
 */
export type * from './contracts.js'
export {
  assertLoopback,
  describe as describeSandbox,
  DESCRIBE_LIST_LIMIT,
  MAX_STATE_TENANTS,
  withFleet,
  type BudgetLimits,
  EXCHANGE_AUDIENCE,
  GRAPH_AUDIENCE,
  MAX_BATCH,
  MAX_PAGE_SIZE,
  startSandbox,
  THROTTLE_TEXT,
  type RunningSandbox,
  type SandboxOptions,
} from './http/index.js'
export {
  createFaults,
  formatFaultSpec,
  parseFaultSpec,
  seededRandom,
  type FaultDecision,
  type FaultSpec,
  type Faults,
} from './faults/index.js'
export { openState, stateKind, type StateStore } from './state/index.js'
export { seedTenant, seedWorld, parseWorld } from './seed/index.js'
// The admin's side of a device-code sign-in, for tests and `passage demo` (nobody at the keyboard).
export { approveDeviceCode, grantAdminConsent } from './identity/test-support.js'
// The sandbox at fleet scale: generated tenants and the operator's multi-tenant app.
export {
  generateFleet,
  fleetMeta,
  fleetRegistration,
  fleetTenantName,
  MAX_FLEET,
  type FleetOptions,
  type FleetRegistration,
} from './fleet/index.js'
