/**
 * The sandbox: a local emulator of Exchange Online's admin API, Entra ID sign-in and Microsoft
 * Graph, served over HTTPS on loopback. `startSandbox` runs it; the rest is for tests and tools.
 */
export type * from './contracts.js'
export {
  assertLoopback,
  describe as describeSandbox,
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
export { approveDeviceCode } from './identity/test-support.js'
