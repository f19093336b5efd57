import { describe, expect, it } from 'vitest'
import { createDraft, peek, plainCopy } from './draft.js'

interface Item {
  id: string
  tags: string[]
  meta?: { n: number }
}
const base = () => ({
  name: 'tenant',
  items: [
    { id: 'a', tags: ['x'], meta: { n: 1 } },
    { id: 'b', tags: ['y'], meta: { n: 2 } },
    { id: 'c', tags: [], meta: { n: 3 } },
  ] as Item[],
  other: { deep: { list: [1, 2, 3] } },
})

describe('copy-on-write draft', () => {
  it('gives back the very same tree when the cmdlet changed nothing, reads included', () => {
    const b = base()
    const d = createDraft(b)
    expect(d.root.items.find((i) => i.id === 'b')?.meta?.n).toBe(2)
    expect(JSON.stringify(d.root)).toBe(JSON.stringify(b))
    expect(d.finish()).toBe(b)
  })

  it('peek: a scan sees the list as it is now, its elements unproxied, and leaves the tree as it was', () => {
    const b = base()
    const d = createDraft(b)
    // Before a change: the live list itself, whose elements are the live objects.
    expect(peek(d.root.items)).toBe(b.items)
    d.root.items.push({ id: 'd', tags: [] })
    // After one: the draft's copy, with the element just added.
    const now = peek(d.root.items)
    expect(now).not.toBe(b.items)
    expect(now.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd'])
    expect(now[0]).toBe(b.items[0])
    expect(b.items).toHaveLength(3)
    // Anything that is not a draft's proxy comes back as it is.
    expect(peek(b.other)).toBe(b.other)
    expect(peek(3)).toBe(3)
    expect(d.finish().items.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('copies only the objects on the path of a change and never changes the live tree', () => {
    const b = base()
    const before = JSON.stringify(b)
    const d = createDraft(b)
    d.root.items[1]!.meta!.n = 20
    const next = d.finish()
    expect(JSON.stringify(b)).toBe(before)
    expect(next.items[1]?.meta?.n).toBe(20)
    expect(next).not.toBe(b)
    expect(next.items).not.toBe(b.items)
    expect(next.items[1]).not.toBe(b.items[1])
    // Untouched objects are shared with the live tree, not copied.
    expect(next.items[0]).toBe(b.items[0])
    expect(next.items[1]?.tags).toBe(b.items[1]?.tags)
    expect(next.other).toBe(b.other)
  })

  it('follows array methods (push, splice, filter, sort) and keeps object identity for sets', () => {
    const b = base()
    const d = createDraft(b)
    const items = d.root.items
    const drop = new Set(items.filter((i) => i.id === 'a'))
    const kept = items.filter((i) => !drop.has(i))
    items.splice(0, items.length, ...kept)
    items.push({ id: 'd', tags: ['new'] })
    items.sort((x, y) => y.id.localeCompare(x.id))
    const next = d.finish()
    expect(next.items.map((i) => i.id)).toEqual(['d', 'c', 'b'])
    expect(b.items.map((i) => i.id)).toEqual(['a', 'b', 'c'])
    // Moved, unchanged objects are the live ones (no proxy is left in the result).
    expect(next.items[1]).toBe(b.items[2])
    expect(next.items[2]).toBe(b.items[1])
  })

  it('resolves live objects the cmdlet placed inside its own objects, with their changes', () => {
    const b = base()
    const d = createDraft(b)
    const copy = { ...d.root.items[0]!, id: 'a2' }
    d.root.items.push(copy)
    copy.meta!.n = 10 // shared with items[0], as a spread shares it in plain JavaScript
    delete (d.root as { name?: string }).name
    const next = d.finish()
    expect(next.items[3]).toEqual({ id: 'a2', tags: ['x'], meta: { n: 10 } })
    expect(next.items[0]?.meta).toEqual({ n: 10 })
    expect(b.items[0]?.meta).toEqual({ n: 1 })
    expect('name' in next).toBe(false)
    expect(b.name).toBe('tenant')
    // Nothing in the result is a proxy: a structured clone (which refuses proxies) copies it.
    expect(structuredClone(next)).toEqual(next)
  })

  it('plainCopy reads through a draft into plain data', () => {
    const d = createDraft(base())
    d.root.items[2]!.tags.push('z')
    const copy = plainCopy(d.root.items[2]!)
    expect(structuredClone(copy)).toEqual({ id: 'c', tags: ['z'], meta: { n: 3 } })
  })
})
