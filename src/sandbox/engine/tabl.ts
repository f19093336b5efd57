/** Get/New/Set/Remove-TenantAllowBlockListItems: sender, URL, file and IP entries (reference §3.4). */
import { tablEntryActive } from '../../core/evaluator/index.js'
import type { TablItem } from '../../core/model/tabl.js'
import { peek } from './draft.js'
import { TABL, TABL_ENTRIES } from './limits.js'
import { parseIpEntry } from './ip.js'
import {
  ambiguousParameterSet,
  invalidArgument,
  invalidValue,
  limitReached,
  notFound,
} from './errors.js'
import { P, type BoundParams } from './params.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkLength, isAddress, isDomain } from './validate.js'

const DAY_MS = 24 * 60 * 60 * 1000
const LIST_TYPE = P.enum(
  'ListType',
  'Microsoft.Exchange.Management.Tasks.ListType',
  ['Sender', 'Url', 'FileHash', 'IP'],
  {
    mandatory: true,
  },
)
const SUB_TYPE = P.enum('ListSubType', 'Microsoft.Exchange.Management.Tasks.ListSubType', [
  'Tenant',
  'AdvancedDelivery',
])
/** A block without a date lasts this long (the portal's default, reference §3.4). */
const DEFAULT_DAYS = 30

type Action = 'Allow' | 'Block'

const items = (ctx: Ctx) => ctx.snapshot.state.tabl.items

function actionOf(p: BoundParams, required: boolean): Action | undefined {
  const allow = p.sw('Allow')
  const block = p.sw('Block')
  if (allow && block) throw ambiguousParameterSet()
  if (allow) return 'Allow'
  if (block) return 'Block'
  if (required) throw ambiguousParameterSet()
  return undefined
}

/** Checks one entry's value for its list type. */
export function checkEntry(listType: string, value: string): void {
  const v = value.trim()
  const bad = (why: string) =>
    invalidValue(`The entry '${value}' isn't valid for ListType ${listType}: ${why}`)
  if (listType === 'Sender') {
    if (!(isAddress(v) || isDomain(v))) throw bad('use a domain or an email address.')
  } else if (listType === 'Url') {
    if (v.length > TABL.maxUrlLength)
      throw bad(`URLs can have at most ${TABL.maxUrlLength} characters.`)
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v))
      throw bad("don't include the scheme (http:// or https://).")
    if (/@/.test(v.split('/')[0] ?? '')) throw bad("don't include a user name or password.")
    if (/^[^/]*:\d+/.test(v)) throw bad("don't include a port number.")
    if (!v) throw bad('the value is empty.')
  } else if (listType === 'FileHash') {
    if (!/^[0-9a-f]{64}$/i.test(v))
      throw bad('use the SHA256 hash of the file (64 hexadecimal characters).')
  } else if (listType === 'IP') {
    // The TABL IP list takes IPv6 only; IPv4 goes to the connection filter (reference §3.4).
    const e = parseIpEntry(v)
    if (!e || e.family !== 'ipv6' || e.form === 'range')
      throw bad('only IPv6 addresses and IPv6 CIDR blocks (/1 to /128) are supported.')
  }
}

interface Expiry {
  ExpirationDate: string | null
  RemoveAfter: number | null
}

/** The expiry an entry gets from -ExpirationDate / -NoExpiration / -RemoveAfter (reference §3.4). */
function expiryOf(
  ctx: Ctx,
  p: BoundParams,
  listType: string,
  action: Action,
  subType: string,
  creating: boolean,
): Expiry | undefined {
  const given = ['ExpirationDate', 'NoExpiration', 'RemoveAfter'].filter((n) =>
    n === 'NoExpiration' ? p.sw(n) : p.has(n),
  )
  if (given.length > 1) throw ambiguousParameterSet()
  const now = ctx.now.getTime()
  if (p.sw('NoExpiration')) {
    const ok =
      action === 'Block' ||
      listType === 'IP' ||
      (listType === 'Url' && subType === 'AdvancedDelivery')
    if (!ok)
      throw invalidArgument(
        'The NoExpiration parameter can be used only with block entries, IP allow entries, or URL allow entries for advanced delivery.',
      )
    return { ExpirationDate: null, RemoveAfter: null }
  }
  if (p.has('RemoveAfter')) {
    if (p.int('RemoveAfter') !== TABL.removeAfterDays)
      throw invalidArgument(
        `The RemoveAfter parameter accepts only the value ${TABL.removeAfterDays}.`,
      )
    if (action !== 'Allow' || !['Sender', 'FileHash', 'Url'].includes(listType))
      throw invalidArgument(
        'The RemoveAfter parameter can be used only with allow entries for senders, files and URLs.',
      )
    return { ExpirationDate: null, RemoveAfter: TABL.removeAfterDays }
  }
  const date = p.date('ExpirationDate')
  if (date) {
    if (date.getTime() <= now) throw invalidArgument('The ExpirationDate must be in the future.')
    const maxDays = action === 'Allow' ? TABL.maxAllowDays : TABL.maxBlockDays
    if (date.getTime() > now + maxDays * DAY_MS)
      throw invalidArgument(
        `The ExpirationDate of ${action.toLowerCase()} entries can be at most ${maxDays} days from now.`,
      )
    return { ExpirationDate: date.toISOString(), RemoveAfter: null }
  }
  if (!creating) return undefined
  // An allow for a sender, file or URL given no expiry is kept until 45 days after it was last
  // used (tenant-allow-block-list-email-spoof-configure.md, New-TenantAllowBlockListItems.md).
  // ms-rule: sandbox.tabl-allow-default-45
  if (
    action === 'Allow' &&
    subType !== 'AdvancedDelivery' &&
    ['Sender', 'FileHash', 'Url'].includes(listType)
  )
    return { ExpirationDate: null, RemoveAfter: TABL.removeAfterDays }
  return { ExpirationDate: new Date(now + DEFAULT_DAYS * DAY_MS).toISOString(), RemoveAfter: null }
}

function show(i: TablItem): Record<string, unknown> {
  return {
    Identity: i.Identity,
    Value: i.Value,
    Action: i.Action,
    ListType: i.ListType,
    ListSubType: i.ListSubType,
    ExpirationDate: i.ExpirationDate ?? null,
    RemoveAfter: i.RemoveAfter ?? null,
    LastUsedDate: i.LastUsedDate ?? null,
    Notes: i.Notes ?? null,
    SubmissionID: null,
  }
}

function sameType(i: TablItem, listType: string, subType: string | undefined): boolean {
  return i.ListType === listType && (subType === undefined || i.ListSubType === subType)
}

/** The entries named by -Entries (values) or -Ids (identities); exactly one must be given. */
function selectTargets(
  ctx: Ctx,
  p: BoundParams,
  listType: string,
  subType: string | undefined,
): TablItem[] {
  const entries = p.strs('Entries')
  const ids = p.strs('Ids')
  if ((entries && ids) || (!entries && !ids)) throw ambiguousParameterSet()
  const want = (entries ?? ids ?? []).map((s) => s.trim().toLowerCase())
  const out: TablItem[] = []
  for (const w of want) {
    const hits = items(ctx).filter(
      (i) =>
        sameType(i, listType, subType) &&
        (entries ? i.Value.toLowerCase() === w : (i.Identity ?? '').toLowerCase() === w),
    )
    if (!hits.length) throw notFound(w)
    out.push(...hits)
  }
  return out
}

const newItems: CmdletDef = {
  name: 'New-TenantAllowBlockListItems',
  write: true,
  scope: 'security',
  params: [
    LIST_TYPE,
    P.strs('Entries', { mandatory: true }),
    P.sw('Allow'),
    P.sw('Block'),
    P.date('ExpirationDate'),
    P.sw('NoExpiration'),
    P.int('RemoveAfter'),
    P.str('Notes'),
    SUB_TYPE,
    P.sw('OutputJson'),
  ],
  run(ctx, p) {
    const listType = p.req('ListType')
    const action = actionOf(p, true) as Action
    const subType = p.str('ListSubType') ?? 'Tenant'
    if (subType === 'AdvancedDelivery' && !(listType === 'Url' && action === 'Allow'))
      throw invalidArgument('ListSubType AdvancedDelivery can be used only with URL allow entries.')
    const expiry = expiryOf(ctx, p, listType, action, subType, true) as Expiry
    const notes = p.str('Notes') ?? null
    checkLength(notes, 1000)
    const entries = p.strs('Entries') ?? []
    if (!entries.length) throw invalidArgument('The Entries parameter needs at least one value.')
    const created: TablItem[] = []
    for (const raw of entries) {
      const value = raw.trim()
      checkEntry(listType, value)
      // Read-only scans of what may be thousands of entries: not through the draft's proxies.
      const clash = peek(items(ctx)).find(
        (i) => i.ListType === listType && i.Value.toLowerCase() === value.toLowerCase(),
      )
      if (clash)
        throw invalidArgument(
          `The entry '${value}' already exists in the Tenant Allow/Block List as a ${clash.Action.toLowerCase()} entry.`,
        )
      const item: TablItem = {
        Identity: `RgAAAAA${ctx.newGuid('tabl').replace(/-/g, '')}AAAA0`,
        ListType: listType as TablItem['ListType'],
        ListSubType: subType as TablItem['ListSubType'],
        Action: action,
        Value: value,
        ...expiry,
        LastUsedDate: null,
        Notes: notes,
      }
      items(ctx).push(item)
      created.push(item)
    }
    const limit = TABL_ENTRIES[ctx.snapshot.licence][action === 'Allow' ? 'allow' : 'block']
    const count = peek(items(ctx)).filter(
      (i) => i.ListType === listType && i.Action === action,
    ).length
    if (count > limit)
      throw limitReached(
        `The Tenant Allow/Block List can hold at most ${limit} ${action.toLowerCase()} entries of type ${listType} in this organization.`,
      )
    return created.map(show)
  },
}

const getItems: CmdletDef = {
  name: 'Get-TenantAllowBlockListItems',
  write: false,
  scope: 'security',
  params: [
    LIST_TYPE,
    P.sw('Allow'),
    P.sw('Block'),
    P.str('Entry'),
    SUB_TYPE,
    P.sw('NoExpiration'),
    P.date('ExpirationDate'),
    P.sw('OutputJson'),
  ],
  run(ctx, p) {
    const listType = p.req('ListType')
    const action = actionOf(p, false)
    const entry = p.str('Entry')?.trim().toLowerCase()
    const date = p.date('ExpirationDate')
    const now = ctx.now.toISOString()
    // Without -ListSubType only Tenant entries are listed, not advanced delivery ones
    // (Get-TenantAllowBlockListItems.md). ms-rule: sandbox.tabl-default-subtype
    const subType = p.str('ListSubType') ?? 'Tenant'
    const noExpiration = p.sw('NoExpiration')
    const day = date ? date.toISOString().slice(0, 10) : null
    // One pass over the list (it may hold thousands of entries), the parameters read once.
    const out: Record<string, unknown>[] = []
    for (const i of items(ctx)) {
      if (!sameType(i, listType, subType)) continue
      if (action && i.Action !== action) continue
      if (entry !== undefined && i.Value.toLowerCase() !== entry) continue
      if (noExpiration && (i.ExpirationDate || i.RemoveAfter)) continue
      if (day !== null && (i.ExpirationDate ?? '').slice(0, 10) !== day) continue
      // Expired entries are removed by Exchange, so they no longer show.
      if (!tablEntryActive(i, now).active) continue
      out.push(show(i))
    }
    return out
  },
}

const setItems: CmdletDef = {
  name: 'Set-TenantAllowBlockListItems',
  write: true,
  scope: 'security',
  params: [
    LIST_TYPE,
    P.strs('Entries'),
    P.strs('Ids'),
    P.sw('Allow'),
    P.sw('Block'),
    P.date('ExpirationDate'),
    P.sw('NoExpiration'),
    P.int('RemoveAfter'),
    P.str('Notes'),
    SUB_TYPE,
    P.sw('OutputJson'),
  ],
  run(ctx, p) {
    const listType = p.req('ListType')
    const targets = selectTargets(ctx, p, listType, p.str('ListSubType'))
    const action = actionOf(p, false)
    for (const item of targets) {
      // Values cannot be edited; only the expiry and notes change (reference §3.4).
      if (action && action !== item.Action)
        throw invalidArgument(
          `The entry '${item.Value}' is a ${item.Action.toLowerCase()} entry; its action can't be changed.`,
        )
      const expiry = expiryOf(ctx, p, listType, item.Action, item.ListSubType, false)
      if (expiry) Object.assign(item, expiry)
      if (p.has('Notes')) item.Notes = p.str('Notes') ?? null
      checkLength(item.Notes, 1000)
    }
    return targets.map(show)
  },
}

const removeItems: CmdletDef = {
  name: 'Remove-TenantAllowBlockListItems',
  write: true,
  scope: 'security',
  params: [LIST_TYPE, P.strs('Entries'), P.strs('Ids'), SUB_TYPE, P.sw('OutputJson')],
  run(ctx, p) {
    const targets = new Set(selectTargets(ctx, p, p.req('ListType'), p.str('ListSubType')))
    const kept = items(ctx).filter((i) => !targets.has(i))
    items(ctx).splice(0, items(ctx).length, ...kept)
  },
}

/** The Tenant Allow/Block List entry cmdlets. */
export const TABL_CMDLETS: CmdletDef[] = [getItems, newItems, setItems, removeItems]
