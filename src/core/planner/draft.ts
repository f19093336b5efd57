// Drafts moved to core/mechanisms/draft.ts (the mechanisms build them); re-exported here so that
// existing importers keep working.
export * from '../mechanisms/draft.js'
