/**
 * The sandbox's Exchange Online emulator: the cmdlets passage uses, with Exchange's documented
 * parameters, limits, errors, licence gating and role checks (reference §1.8, §2.2, §3).
 */
export { createEngine } from './engine.js'
export { CMDLETS, lookup } from './registry.js'
export { CmdletError } from './errors.js'
export type { CmdletDef } from './types.js'
export type { ParamSpec, ParamType } from './params.js'
