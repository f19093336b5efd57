/**
 * An index of a Tenant Allow/Block List, built once per list, so that evaluating a message looks
 * at the few entries that can match it instead of parsing every entry again (a tenant may hold
 * tens of thousands). The index only narrows: it names every entry that could match or that the
 * trace mentions, and checkTabl decides each of them exactly as it would without the index, in list
 * order. Entries it leaves out are those that cannot match the message under the same rules
 * (tabl-filing.ts):
 *
 * - sender entries: an address equal to the MAIL FROM or From address, or a domain equal to either
 *   one's domain (as matchSenderList compares them);
 * - URL entries: by the entry's host, against each URL's host, the domains it is a subdomain of
 *   and the domain tokens in its path (tabl-url.ts); entries that never match and say why (invalid,
 *   or an allow form only advanced delivery takes), top-level-domain blocks and hosts outside
 *   `[a-z0-9.-]` are named for every message with a URL;
 * - IP entries: IPv6 networks by prefix length, IPv4 entries by their bounds (as ipMatchesAny).
 *
 * A list that differs from the last one indexed by a few entries (the tenant as a plan leaves it,
 * beside the tenant as it is) is indexed as that one plus its differences. A list changed in place
 * since it was indexed is indexed again.
 */
import type { TablItem } from '../model/tabl.js'
import type { TestMessage } from './message.js'
import { filingOf, messageKeys, networkKey, type MessageKeys } from './tabl-filing.js'

/** Positions by key: one position, or several in ascending order. */
type Keyed = Map<string, number | number[]>

/** What an index was read from, to tell a list changed in place from the one indexed. */
interface Seen {
  items: TablItem[]
  type: string[]
  subType: string[]
  action: string[]
  value: string[]
}

interface Base {
  kind: 'base'
  seen: Seen
  fileHashes: number
  senderAddresses: Keyed
  senderDomains: Keyed
  urlHosts: Keyed
  /** URL entries named whenever the message has a URL. */
  urlAlways: number[]
  /** IPv6 entries by prefix length, then by network. */
  ipv6: Map<number, Keyed>
  /** IPv4 entries with their bounds, and IP entries the index could not read. */
  ipv4: { first: number; last: number; at: number }[]
  ipAlways: number[]
}

/** A list indexed as an earlier one (`base`) plus the entries it adds. */
interface Derived {
  kind: 'derived'
  seen: Seen
  fileHashes: number
  base: Base
  /** The position here of each entry of the base list (-1: not here). */
  toHere: Int32Array
  /** The entries this list adds, indexed as a list of their own, and their positions here. */
  added: Base
  addedAt: number[]
}

type Index = Base | Derived

const INDEXES = new WeakMap<readonly TablItem[], Index>()
/** The last list indexed from scratch: the next list is likely that one with a few changes. */
let lastBase: WeakRef<Base> | null = null

function seenOf(items: readonly TablItem[]): Seen {
  return {
    items: [...items],
    type: items.map((i) => i.ListType),
    subType: items.map((i) => i.ListSubType),
    action: items.map((i) => i.Action),
    value: items.map((i) => i.Value),
  }
}

/** True when `item` is the entry at `at` of what was indexed, unchanged. */
function same(s: Seen, at: number, item: TablItem): boolean {
  return (
    item === s.items[at] &&
    item.Value === s.value[at] &&
    item.ListType === s.type[at] &&
    item.ListSubType === s.subType[at] &&
    item.Action === s.action[at]
  )
}

/** True when the list still holds what was indexed (no edit in place since). */
function current(s: Seen, items: readonly TablItem[]): boolean {
  if (s.items.length !== items.length) return false
  for (let i = 0; i < items.length; i++) if (!same(s, i, items[i] as TablItem)) return false
  return true
}

function add(map: Keyed, key: string, at: number): void {
  const known = map.get(key)
  if (known === undefined) map.set(key, at)
  else if (typeof known === 'number') map.set(key, [known, at])
  else known.push(at)
}

function build(items: readonly TablItem[]): Base {
  const b: Base = {
    kind: 'base',
    seen: seenOf(items),
    fileHashes: 0,
    senderAddresses: new Map(),
    senderDomains: new Map(),
    urlHosts: new Map(),
    urlAlways: [],
    ipv6: new Map(),
    ipv4: [],
    ipAlways: [],
  }
  items.forEach((item, at) => {
    const f = filingOf(item)
    switch (f.by) {
      case 'file-hash':
        b.fileHashes++
        break
      case 'sender-address':
        add(b.senderAddresses, f.key, at)
        break
      case 'sender-domain':
        add(b.senderDomains, f.key, at)
        break
      case 'url-hosts':
        for (const k of f.keys) add(b.urlHosts, k, at)
        break
      case 'url-always':
        b.urlAlways.push(at)
        break
      case 'ipv4':
        b.ipv4.push({ first: f.first, last: f.last, at })
        break
      case 'ipv6': {
        let byNetwork = b.ipv6.get(f.bits)
        if (!byNetwork) b.ipv6.set(f.bits, (byNetwork = new Map()))
        add(byNetwork, f.network, at)
        break
      }
      case 'ip-always':
        b.ipAlways.push(at)
        break
      case 'nothing':
        break
    }
  })
  return b
}

/** How far ahead a removed run of entries is looked past. */
const LOOK_AHEAD = 16

/**
 * `items` as the base list plus what it adds, when it keeps the base's entries in order and adds
 * few (null otherwise): entries are matched by identity, so the plan's copy-on-write lists are.
 */
function derive(items: readonly TablItem[], base: Base): Derived | null {
  const old = base.seen
  const toHere = new Int32Array(old.items.length).fill(-1)
  const addedAt: number[] = []
  const most = Math.max(64, items.length >> 4)
  let j = 0
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as TablItem
    let k = j
    const end = Math.min(old.items.length, j + LOOK_AHEAD)
    while (k < end && old.items[k] !== item) k++
    if (k < end && same(old, k, item)) {
      toHere[k] = i
      j = k + 1
      continue
    }
    addedAt.push(i)
    if (addedAt.length > most) return null
  }
  const fileHashes = items.reduce((n, i) => (i.ListType === 'FileHash' ? n + 1 : n), 0)
  const added = build(addedAt.map((i) => items[i] as TablItem))
  return { kind: 'derived', seen: seenOf(items), fileHashes, base, toHere, added, addedAt }
}

function indexOf(items: readonly TablItem[]): Index {
  const known = INDEXES.get(items)
  if (known && current(known.seen, items)) return known
  const last = lastBase?.deref()
  let index: Index | null = last && last.seen.items !== items ? derive(items, last) : null
  if (!index) {
    index = build(items)
    lastBase = new WeakRef(index)
  }
  INDEXES.set(items, index)
  return index
}

function push(out: number[], found: number | number[] | undefined): void {
  if (found === undefined) return
  if (typeof found === 'number') out.push(found)
  else out.push(...found)
}

/** The positions of a base index's entries that may matter to a message (in any order). */
function lookup(b: Base, k: MessageKeys): number[] {
  const out: number[] = []
  for (const a of k.addresses) push(out, b.senderAddresses.get(a))
  for (const d of k.domains) push(out, b.senderDomains.get(d))
  if (k.hasUrls) {
    out.push(...b.urlAlways)
    for (const key of k.urlKeys) push(out, b.urlHosts.get(key))
  }
  out.push(...b.ipAlways)
  if (k.ipv4 !== null)
    for (const e of b.ipv4) if (k.ipv4 >= e.first && k.ipv4 <= e.last) out.push(e.at)
  if (k.ipv6) for (const [bits, nets] of b.ipv6) push(out, nets.get(networkKey(k.ipv6, bits)))
  return out
}

function positions(index: Index, k: MessageKeys): number[] {
  if (index.kind === 'base') return lookup(index, k)
  const out: number[] = []
  for (const at of lookup(index.base, k)) {
    const here = index.toHere[at] as number
    if (here >= 0) out.push(here)
  }
  for (const at of lookup(index.added, k)) out.push(index.addedAt[at] as number)
  return out
}

/** The entries of a Tenant Allow/Block List that can matter to one message, and its file hashes. */
export interface TablCandidates {
  /** Positions in the list, ascending: every entry that may match or that the trace names. */
  positions: number[]
  /** How many file hash entries the list holds (a test message carries no file hashes). */
  fileHashes: number
}

/**
 * The entries of `items` that may match a message from `cip` (every other entry matches nothing
 * and adds nothing to the trace), from an index built on first use and kept while the list is
 * unchanged.
 */
export function tablCandidates(
  items: readonly TablItem[],
  message: Pick<TestMessage, 'mailFrom' | 'headerFrom' | 'urls'>,
  cip: string,
): TablCandidates {
  const index = indexOf(items)
  const found = [...new Set(positions(index, messageKeys(message, cip)))].sort((a, b) => a - b)
  return { positions: found, fileHashes: index.fileHashes }
}
