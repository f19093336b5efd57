/** A deep copy of a JSON-like value, frozen all the way down. */
export function frozenCopy<T>(value: T): T {
  // Copy first: a plan's before/after objects come from the caller's snapshot, which must stay
  // the caller's to change.
  return deepFreeze(structuredClone(value))
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}
