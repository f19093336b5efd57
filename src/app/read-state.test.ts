/**
 * readableObject: the one walk over each object readTenant makes, which does what the client's
 * stripAnnotations and readTenant's former withoutEmpty did one after the other
 * (ms-rule: read.empty-properties).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JsonObject } from '../core/change.js'
import { stripAnnotations } from '../exchange/invoke.js'
import { readableObject } from './read-state.js'

/** Property runs: a tenth under mutation testing (docs/mutation.md), where each mutant reruns them. */
const runs = (n: number) => (process.env.PASSAGE_MUTATION_RUN === '1' ? Math.ceil(n / 10) : n)

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/** The two walks readableObject replaces, as they were: annotations deleted, then empties left out. */
function oldPair(o: JsonObject): JsonObject {
  const stripped = stripAnnotations(o) as JsonObject
  if (!isRecord(stripped)) return stripped
  const out: JsonObject = {}
  for (const k in stripped) {
    if (!Object.hasOwn(stripped, k)) continue
    const v = stripped[k] as JsonObject[string]
    if (v !== null && v !== '') out[k] = v
  }
  return out
}

// Names as Exchange sends them: plain, annotated (`@odata.` goes), a `@data.type` (stays), the
// body-level `@odata.` names, an integer-like name (enumerated first), and names differing by case.
const NAMES = [
  'Name',
  'name',
  'Guid',
  'Guid@odata.type',
  'Guid@data.type',
  'Actions@odata.type',
  '@odata.context',
  'odata.nextLink',
  'WhenChanged',
  'Priority',
  '0',
  '12',
  'Comments',
  'SentToMemberOf',
]
const VALUE = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant(' '),
  fc.constant(false),
  fc.constant(0),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'b@odata.type'), fc.oneof(fc.constant(null), fc.string())),
)
const OBJECT = fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.string()), VALUE, {
  maxKeys: 14,
})

describe('readableObject: one walk for annotations and empty properties', () => {
  it('gives what stripAnnotations then the empty-property filter gave, keys in the same order', () => {
    fc.assert(
      fc.property(OBJECT, (o) => {
        const expected = oldPair(structuredClone(o) as JsonObject)
        const got = readableObject(structuredClone(o) as JsonObject)
        expect(got).toStrictEqual(expected)
        expect(Object.keys(got)).toEqual(Object.keys(expected))
      }),
      { numRuns: runs(500) },
    )
  })

  it('drops null, empty-string and @odata. properties; keeps false, 0, [], blanks and @data.type', () => {
    const o: JsonObject = {
      Name: 'r',
      Comments: null,
      Description: '',
      'Guid@odata.type': '#Guid',
      Guid: 'g',
      'Guid@data.type': 'System.Guid',
      Enabled: false,
      Priority: 0,
      ExceptIfFrom: [],
      Blank: ' ',
      Nested: { Inner: null, 'Inner@odata.type': '#String' },
    }
    expect(readableObject(o)).toStrictEqual({
      Name: 'r',
      Guid: 'g',
      'Guid@data.type': 'System.Guid',
      Enabled: false,
      Priority: 0,
      ExceptIfFrom: [],
      Blank: ' ',
      // Only the top level is cleaned, as before.
      Nested: { Inner: null, 'Inner@odata.type': '#String' },
    })
  })

  it('returns a fresh object and leaves the one it was given as it was', () => {
    const o: JsonObject = { Name: 'r', Comments: null, 'Guid@odata.type': '#Guid' }
    const got = readableObject(o)
    expect(got).not.toBe(o)
    expect(o).toStrictEqual({ Name: 'r', Comments: null, 'Guid@odata.type': '#Guid' })
  })

  it('passes an array through as it is (an item of `value` that is not an object)', () => {
    const a = [null, '', 'x'] as unknown as JsonObject
    expect(readableObject(a)).toBe(a)
  })
})
