/**
 * Mechanisms: one module per way of letting a vendor's mail past a protection, each holding its
 * definition, what it needs of the tenant and vendor, its safety refusals and how it builds its
 * changes. The planner iterates the registry; it knows no mechanism by name.
 */
export * from './context.js'
export * from './draft.js'
export * from './preset-coverage.js'
export * from './preset-exception.js'
export { quarantinePolicyName } from './quarantine.js'
export * from './registry.js'
export * from './rules.js'
export * from './types.js'
