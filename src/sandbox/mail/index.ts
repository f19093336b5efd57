/**
 * Test-mail delivery into the sandbox: where a message lands (core's evaluator decides), the
 * copies it leaves, and the helpers Get-QuarantineMessage and Get-MessageTraceV2 read them with.
 */
export { deliverMessage } from './deliver.js'
export { MessageInputError } from './errors.js'
export { renderEml, headerBlock } from './eml.js'
export { QUARANTINE_TYPES, quarantineTypeOf, type QuarantineType } from './quarantine-type.js'
export { allCopies, quarantinedCopies, findQuarantined, type MailCopy } from './store.js'
