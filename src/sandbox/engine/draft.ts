/**
 * Copy-on-write working copies of the tenant for write cmdlets. A cmdlet sees the tenant through
 * proxies; an object is copied (shallowly) the first time the cmdlet changes it, and so are the
 * objects above it, so the cost of a write follows what it touches, not the tenant's size. The
 * live state is never changed: `finish()` returns a new tree that shares every untouched object
 * with the old one (or the old tree itself when nothing changed), for the engine to validate and
 * commit. Plain JSON-like data only (objects and arrays), as the snapshot and mail store are.
 */

type Bag = Record<PropertyKey, unknown>

/** The key under which a draft's proxy answers with its node. */
const DRAFT = Symbol('draft node')

interface Node {
  base: Bag
  /** The shallow copy made on the first change; null while unchanged. */
  copy: Bag | null
  /** The node it was reached through (changes mark it changed too). */
  parent: Node | null
  proxy: Bag
  /** The finished value, once computed. */
  done?: unknown
}

/** True for the values a draft copies on write: plain objects and arrays. */
export function isPlainData(v: unknown): v is Bag {
  if (v === null || typeof v !== 'object') return false
  if (Array.isArray(v)) return true
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/** A deep copy of plain data (objects and arrays; other values as they are). Reads through drafts. */
export function plainCopy<T>(v: T): T {
  if (!isPlainData(v)) return v
  if (Array.isArray(v)) return v.map((x: unknown) => plainCopy(x)) as T
  const out: Bag = {}
  for (const k of Object.keys(v)) out[k] = plainCopy(v[k])
  return out as T
}

/**
 * What a draft's proxy stands for as it is now (its copy once changed), for a scan that only
 * reads, such as looking for a duplicate among thousands of allow/block entries: its elements
 * come as they are, not each through a proxy of its own. Nothing reached through it may be
 * changed or stored. Anything that is not a draft's proxy is returned as it is.
 */
export function peek<T>(v: T): T {
  if (!isPlainData(v)) return v
  const n = v[DRAFT] as Node | undefined
  return n ? ((n.copy ?? n.base) as T) : v
}

/** A copy-on-write view of `base`. See the module comment. */
export interface Draft<T> {
  /** What the cmdlet reads and changes. */
  readonly root: T
  /** The tree after the cmdlet's changes: `base` itself when it changed nothing. */
  finish(): T
}

/** Starts a copy-on-write draft of `base` (which it never changes). */
export function createDraft<T extends object>(base: T): Draft<T> {
  /** Node of each live object reached so far. */
  const nodes = new Map<object, Node>()
  /** The node of a proxy handed out (undefined for any other object). */
  const proxied = (v: Bag) => v[DRAFT] as Node | undefined
  /** Objects the cmdlet made and put in the tree (its own: never proxied, never copied). */
  const fresh = new WeakSet<object>()

  const changed = (n: Node): Bag => {
    for (let m: Node | null = n; m && !m.copy; m = m.parent)
      m.copy = Array.isArray(m.base) ? (m.base.slice() as unknown as Bag) : { ...m.base }
    return n.copy as Bag
  }

  /** The value a read hands out: a live object through its proxy, anything else as is. */
  const view = (v: unknown, parent: Node): unknown => {
    if (!isPlainData(v) || proxied(v) || fresh.has(v)) return v
    return nodeOf(v, parent).proxy
  }

  /** Notes a value the cmdlet stores: an object of its own making is its own from then on. */
  const stored = (v: unknown): unknown => {
    if (isPlainData(v) && !proxied(v) && !nodes.has(v)) fresh.add(v)
    return v
  }

  const hasOwn = (o: object, key: PropertyKey) => Object.prototype.hasOwnProperty.call(o, key)
  const current = (n: Node) => n.copy ?? n.base
  // One handler for every proxy of the draft (its target is the live object, keyed to its node).
  const at = (target: object) => nodes.get(target) as Node
  const handler: ProxyHandler<Bag> = {
    get(target, key) {
      const n = at(target)
      if (key === DRAFT) return n
      const src = current(n)
      const v = src[key]
      return hasOwn(src, key) ? view(v, n) : v
    },
    set(target, key, value) {
      const n = at(target)
      const src = current(n)
      if (hasOwn(src, key) && Object.is(src[key], value)) return true
      changed(n)[key] = stored(value)
      return true
    },
    deleteProperty(target, key) {
      const n = at(target)
      if (!hasOwn(current(n), key)) return true
      return delete changed(n)[key]
    },
    defineProperty(target, key, desc) {
      if ('value' in desc) stored(desc.value)
      return Reflect.defineProperty(changed(at(target)), key, desc)
    },
    has(target, key) {
      return key in current(at(target))
    },
    ownKeys(target) {
      return Reflect.ownKeys(current(at(target)))
    },
    getOwnPropertyDescriptor(target, key) {
      const n = at(target)
      const d = Reflect.getOwnPropertyDescriptor(current(n), key)
      if (d && 'value' in d) d.value = view(d.value, n)
      return d
    },
  }

  function nodeOf(base: Bag, parent: Node | null): Node {
    const known = nodes.get(base)
    if (known) return known
    const node: Node = { base, copy: null, parent, proxy: new Proxy(base, handler) }
    nodes.set(base, node)
    return node
  }

  /** The finished value of anything found in the tree. */
  const resolve = (v: unknown): unknown => {
    if (!isPlainData(v)) return v
    const n = proxied(v) ?? nodes.get(v)
    if (n) return finishNode(n)
    // The cmdlet's own object may hold views of live objects (a spread of one, say).
    if (fresh.has(v)) for (const k of Object.keys(v)) v[k] = resolve(v[k])
    return v
  }

  function finishNode(n: Node): unknown {
    if (n.done !== undefined) return n.done
    if (!n.copy) {
      n.done = n.base
      return n.base
    }
    const out = n.copy
    for (const k of Object.keys(out)) out[k] = resolve(out[k])
    n.done = out
    return out
  }

  const rootNode = nodeOf(base as Bag, null)
  return {
    root: rootNode.proxy as T,
    finish: () => finishNode(rootNode) as T,
  }
}
