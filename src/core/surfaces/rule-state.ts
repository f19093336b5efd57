import type { JsonObject } from '../change.js'

/** Exchange's Enabled/Disabled, whatever shape it came in (text or boolean). */
export function ruleState(v: unknown): 'Enabled' | 'Disabled' {
  return v === 'Disabled' || v === false ? 'Disabled' : 'Enabled'
}

/** Small normalisations of a rule as real Exchange returns it, before the model reads it. */
export function normaliseRule(o: JsonObject): JsonObject {
  const out: JsonObject = { ...o }
  if ('State' in o) out.State = ruleState(o.State)
  if (typeof o.Priority === 'string') out.Priority = Number(o.Priority)
  if (typeof o.SetSCL === 'string') out.SetSCL = Number(o.SetSCL)
  return out
}
