/**
 * A value as an error shows it: cut after 60 characters, with its length, so that a huge input
 * (a 100,000-character parameter or vendor id) is never echoed whole into a message, a hint or
 * an error's details. Dependency-free, so that the light catalog reader (catalog/built.ts) can
 * quote an unknown vendor id exactly as parameter validation (./resolve.ts) quotes a value.
 */
export function shown(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}… (${value.length} characters)` : value
}
