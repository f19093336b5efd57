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
 * Each kind of entry (sender, URL, IP) is filed when a message first needs it: a message without
 * URLs never files the URL entries. Keys are found by scanning for a list's first lookups and
 * through a map after (`SCANS`). A list that differs from the last one indexed by a few entries
 * (the tenant as a plan leaves it, beside the tenant as it is) is indexed as that one plus its
 * differences. A list changed in place since it was indexed is indexed again.
 */
import type { TablItem } from '../model/tabl.js'
import type { TestMessage } from './message.js'
import { filingOf, messageKeys, networkKey, type MessageKeys } from './tabl-filing.js'

/** Positions by key: one position, or several in ascending order. */
type Keyed = Map<string, number | number[]>

/**
 * How many lookups a key list answers by scanning before it builds its map. A list is typically
 * looked up a few times (the vendor's messages before and after a plan), and one scan over its
 * keys costs far less than filling a map with them; a list kept and looked up often (the sandbox's
 * tenant) gets its map.
 */
const SCANS = 8

/**
 * Entries filed by key (`at[i]` under `keys[i]`): found by comparing every key for the first
 * lookups, then through a map built from them. Either way a key is found exactly when it equals a
 * wanted one.
 */
interface KeyList {
  keys: string[]
  at: number[]
  map: Keyed | null
  scans: number
}

const keyList = (): KeyList => ({ keys: [], at: [], map: null, scans: 0 })

function file(list: KeyList, key: string, at: number): void {
  list.keys.push(key)
  list.at.push(at)
}

function mapOf(list: KeyList): Keyed {
  const map: Keyed = new Map()
  for (let i = 0; i < list.keys.length; i++) {
    const key = list.keys[i] as string
    const at = list.at[i] as number
    const known = map.get(key)
    if (known === undefined) map.set(key, at)
    else if (typeof known === 'number') map.set(key, [known, at])
    else known.push(at)
  }
  return map
}

/** Adds to `out` the positions filed under any of `wanted`. */
function find(list: KeyList, wanted: readonly string[], out: number[]): void {
  if (!wanted.length || !list.keys.length) return
  if (list.map || ++list.scans > SCANS) {
    const map = (list.map ??= mapOf(list))
    for (const w of wanted) push(out, map.get(w))
    return
  }
  // Wanted keys by length: most keys differ in length from all of them and are passed over.
  const byLength: (string[] | undefined)[] = []
  for (const w of wanted) (byLength[w.length] ??= []).push(w)
  const { keys, at } = list
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    const same = byLength[key.length]
    if (same !== undefined && same.includes(key)) out.push(at[i] as number)
  }
}

/**
 * What an index was read from, to tell a list changed in place from the one indexed: the entries,
 * and the four fields filing reads of each (`fields[4 * i]` to `fields[4 * i + 3]`: list type,
 * subtype, action, value), recorded in the one pass over the list that sorts its entries by kind.
 * An entry is filed (later, when its kind is needed) as recorded: the list is checked against
 * this record before every use.
 */
interface Seen {
  items: TablItem[]
  fields: string[]
}

/** The entries of one kind (sender, URL or IP), filed by what a message is looked up by. */
interface Filed {
  senderAddresses: KeyList
  senderDomains: KeyList
  urlHosts: KeyList
  /** URL entries named whenever the message has a URL. */
  urlAlways: number[]
  /** IPv6 entries by prefix length, then by network. */
  ipv6: Map<number, KeyList>
  /** IPv4 entries with their bounds, and IP entries the index could not read. */
  ipv4: { first: number; last: number; at: number }[]
  ipAlways: number[]
}

/** The kinds of entry filed apart, each when a message first needs it. */
type Kind = 'sender' | 'url' | 'ip'

interface Base {
  kind: 'base'
  seen: Seen
  fileHashes: number
  /** The positions of each kind's entries (by list type, as filingOf reads them). */
  at: Record<Kind, number[]>
  filed: Partial<Record<Kind, Filed>>
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

/** Records `item` as the entry at `at` of what is indexed. */
function record(s: Seen, at: number, item: TablItem): void {
  const f = s.fields
  const k = at << 2
  s.items[at] = item
  f[k] = item.ListType
  f[k + 1] = item.ListSubType
  f[k + 2] = item.Action
  f[k + 3] = item.Value
}

function emptySeen(n: number): Seen {
  return { items: new Array<TablItem>(n), fields: new Array<string>(n << 2) }
}

/** True when `item` is the entry at `at` of what was indexed, unchanged. */
function same(s: Seen, at: number, item: TablItem): boolean {
  const f = s.fields
  const k = at << 2
  return (
    item === s.items[at] &&
    item.Value === f[k + 3] &&
    item.ListType === f[k] &&
    item.ListSubType === f[k + 1] &&
    item.Action === f[k + 2]
  )
}

/** True when the list still holds what was indexed (no edit in place since). */
function current(s: Seen, items: readonly TablItem[]): boolean {
  const n = items.length
  if (s.items.length !== n) return false
  for (let i = 0; i < n; i++) if (!same(s, i, items[i] as TablItem)) return false
  return true
}

/** Records the list and sorts its entries by kind; filing waits until a kind is needed. */
function build(items: readonly TablItem[]): Base {
  const b: Base = {
    kind: 'base',
    seen: emptySeen(items.length),
    fileHashes: 0,
    at: { sender: [], url: [], ip: [] },
    filed: {},
  }
  for (let at = 0; at < items.length; at++) {
    const item = items[at] as TablItem
    record(b.seen, at, item)
    switch (item.ListType) {
      case 'FileHash':
        b.fileHashes++
        break
      case 'Sender':
        b.at.sender.push(at)
        break
      case 'Url':
        b.at.url.push(at)
        break
      case 'IP':
        b.at.ip.push(at)
        break
      default:
        break // filed as nothing
    }
  }
  return b
}

/** Files the entries of one kind (as recorded, which the list still holds when this runs). */
function fileKind(items: readonly TablItem[], positions: readonly number[]): Filed {
  const b: Filed = {
    senderAddresses: keyList(),
    senderDomains: keyList(),
    urlHosts: keyList(),
    urlAlways: [],
    ipv6: new Map(),
    ipv4: [],
    ipAlways: [],
  }
  for (const at of positions) {
    const f = filingOf(items[at] as TablItem)
    switch (f.by) {
      case 'file-hash':
        break // counted when the list was recorded
      case 'sender-address':
        file(b.senderAddresses, f.key, at)
        break
      case 'sender-domain':
        file(b.senderDomains, f.key, at)
        break
      case 'url-hosts':
        for (const k of f.keys) file(b.urlHosts, k, at)
        break
      case 'url-always':
        b.urlAlways.push(at)
        break
      case 'ipv4':
        b.ipv4.push({ first: f.first, last: f.last, at })
        break
      case 'ipv6': {
        let byNetwork = b.ipv6.get(f.bits)
        if (!byNetwork) b.ipv6.set(f.bits, (byNetwork = keyList()))
        file(byNetwork, f.network, at)
        break
      }
      case 'ip-always':
        b.ipAlways.push(at)
        break
      case 'nothing':
        break
    }
  }
  return b
}

function filed(b: Base, kind: Kind): Filed {
  return (b.filed[kind] ??= fileKind(b.seen.items, b.at[kind]))
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
  const most = Math.max(16, items.length >> 4)
  const seen = emptySeen(items.length)
  let fileHashes = 0
  let kept = 0
  let j = 0
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as TablItem
    record(seen, i, item)
    if (item.ListType === 'FileHash') fileHashes++
    let k = j
    const end = Math.min(old.items.length, j + LOOK_AHEAD)
    while (k < end && old.items[k] !== item) k++
    if (k < end && same(old, k, item)) {
      toHere[k] = i
      j = k + 1
      kept++
      continue
    }
    addedAt.push(i)
    if (addedAt.length > most) return null
  }
  // Not a list that keeps most of the base (a small list unrelated to it): indexed on its own.
  if (kept * 2 < old.items.length) return null
  const added = build(addedAt.map((i) => items[i] as TablItem))
  return { kind: 'derived', seen, fileHashes, base, toHere, added, addedAt }
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
  const senders = filed(b, 'sender')
  find(senders.senderAddresses, k.addresses, out)
  find(senders.senderDomains, k.domains, out)
  if (k.hasUrls) {
    const urls = filed(b, 'url')
    out.push(...urls.urlAlways)
    find(urls.urlHosts, k.urlKeys, out)
  }
  const ips = filed(b, 'ip')
  out.push(...ips.ipAlways)
  if (k.ipv4 !== null)
    for (const e of ips.ipv4) if (k.ipv4 >= e.first && k.ipv4 <= e.last) out.push(e.at)
  if (k.ipv6) for (const [bits, nets] of ips.ipv6) find(nets, [networkKey(k.ipv6, bits)], out)
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
