// The plan context moved to core/mechanisms/context.ts (the mechanisms decide and build with it);
// re-exported here so that existing importers keep working.
export * from '../mechanisms/context.js'
