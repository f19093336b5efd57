/**
 * The header name cache recognises a name only when every character matches the cached one
 * (knownName compares the whole name, not only the characters its slot hash reads), so two names
 * that share a slot and a length are never confused.
 */
import { describe, expect, it } from 'vitest'
import { internName, knownName, lowerName, setTag, tagOf, writtenName } from './header-names.js'

/** knownName of a whole string. */
const known = (name: string): number => knownName(`${name}:`, 0, name.length)

describe('the header name cache', () => {
  it('tells apart names of one length that hash to the same slot', () => {
    // The slot hash reads the length and the characters at the end, the middle and the quarter:
    // names that differ only in their first character share a slot.
    const a = 'Aa-Mail-Header-Name-Twenty'
    const b = 'Ba-Mail-Header-Name-Twenty'
    const slot = internName(`${a}:`, 0, a.length)
    expect(known(b)).toBe(-1)
    expect(known(a)).toBe(slot)
    expect(internName(`${b}:`, 0, b.length)).toBe(slot)
    // The slot now holds b: a is no longer known, b is, with its own spelling and lower case.
    expect(known(a)).toBe(-1)
    expect(known(b)).toBe(slot)
    expect(writtenName(slot)).toBe(b)
    expect(lowerName(slot)).toBe(b.toLowerCase())
  })

  it('matches case exactly, and the name at its position in the text', () => {
    const slot = internName('X-Name-Case: 1', 0, 'X-Name-Case'.length)
    expect(known('X-Name-Case')).toBe(slot)
    expect(known('x-Name-Case')).toBe(-1)
    const text = 'Received: a\r\nX-Name-Case: 2'
    expect(knownName(text, 13, 'X-Name-Case'.length)).toBe(slot)
    expect(knownName(text, 12, 'X-Name-Case'.length)).toBe(-1)
  })
})

describe('the tag kept beside a cached name', () => {
  it('is -1 until set, is kept for that name, and is dropped when the slot takes another name', () => {
    const a = 'Ab-Tagged-Header-Name-Twenty'
    const b = 'Bb-Tagged-Header-Name-Twenty'
    const slot = internName(`${a}:`, 0, a.length)
    const lowerA = lowerName(slot)
    expect(tagOf(slot, lowerA)).toBe(-1)
    setTag(slot, lowerA, 7)
    expect(tagOf(slot, lowerA)).toBe(7)
    // Interning the same name again (another parse) starts it over.
    internName(`${a}:`, 0, a.length)
    expect(tagOf(slot, lowerName(slot))).toBe(-1)
    setTag(slot, lowerName(slot), 7)
    // b takes the slot: neither a's tag nor a's name is read for it, and a header still holding
    // a's lower-cased name gets -1 (its kind is worked out again, not taken from b).
    expect(internName(`${b}:`, 0, b.length)).toBe(slot)
    expect(tagOf(slot, lowerName(slot))).toBe(-1)
    setTag(slot, lowerA, 3)
    expect(tagOf(slot, lowerA)).toBe(-1)
    expect(tagOf(slot, lowerName(slot))).toBe(-1)
  })
})
