/**
 * The policy evaluator: pure code that says where a test message lands in a tenant, which headers
 * Exchange Online Protection would stamp, and which object decided each step.
 */
export { evaluate, parseTestMessage, type EvaluateOptions } from './evaluate.js'
export { summarise } from './summarise.js'
export { TestMessage, Detection, DetectionKind, type TestMessageInput } from './message.js'
export { doNotRewriteMatches, validDoNotRewriteEntry } from './safe-links.js'
export { parseTablUrlEntry, tablEntryActive, tablUrlMatch, tablUrlMatches } from './tabl.js'
export { parseForefrontReport } from './headers.js'
export { testPattern } from './safe-regex.js'
export * from './types.js'
