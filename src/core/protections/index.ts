export * from './definitions.js'
export * from './ids.js'
// Mechanism definitions live with their logic; the record stays reachable from here for display.
export { MECHANISMS } from '../mechanisms/registry.js'
