/** Get/New/Set/Remove-TenantAllowBlockListSpoofItems: spoofed-sender entries (reference §3.4). */
import type { TablSpoofItem } from '../../core/model/tabl.js'
import { TABL } from './limits.js'
import { plainCopy } from './draft.js'
import { parseIpEntry } from './ip.js'
import { invalidArgument, invalidValue, limitReached, notFound } from './errors.js'
import { P } from './params.js'
import type { CmdletDef, Ctx } from './types.js'
import { isAddress, isDomain } from './validate.js'

const ACTION = P.enum('Action', 'Microsoft.Exchange.Management.Tasks.SpoofAction', [
  'Allow',
  'Block',
])
const SPOOF_TYPE = P.enum('SpoofType', 'Microsoft.Exchange.Management.Tasks.SpoofType', [
  'External',
  'Internal',
])

const spoofItems = (ctx: Ctx) => ctx.snapshot.state.tabl.spoofItems

/** Spoof entries in the order the sandbox holds them: by Identity. */
export const byIdentity = (a: TablSpoofItem, b: TablSpoofItem): number =>
  (a.Identity ?? '') < (b.Identity ?? '') ? -1 : (a.Identity ?? '') > (b.Identity ?? '') ? 1 : 0

/** The spoof list has one identity, `Default` (reference §3.4). */
function checkDefault(identity: string | undefined): void {
  if (identity !== undefined && identity.trim().toLowerCase() !== 'default')
    throw notFound(identity)
}

/** Sending infrastructure: a domain (PTR or DKIM), or an IPv4 /24 block, the only depth allowed. */
export function checkInfrastructure(value: string): void {
  const v = value.trim()
  if (v.includes('/')) {
    const e = parseIpEntry(v)
    if (!e || e.family !== 'ipv4' || e.form !== 'cidr' || e.prefix !== 24)
      throw invalidValue(
        `The sending infrastructure '${value}' isn't valid: IP addresses must be given as a /24 block, like 192.0.2.0/24.`,
      )
    return
  }
  if (!isDomain(v))
    throw invalidValue(
      `The sending infrastructure '${value}' isn't valid: use a domain or an IPv4 /24 block.`,
    )
}

function show(i: TablSpoofItem): Record<string, unknown> {
  return { Identity: i.Identity, ...plainCopy(i) }
}

function byIds(ctx: Ctx, ids: readonly string[]): TablSpoofItem[] {
  return ids.map((id) => {
    const hit = spoofItems(ctx).find(
      (i) => (i.Identity ?? '').toLowerCase() === id.trim().toLowerCase(),
    )
    if (!hit) throw notFound(id)
    return hit
  })
}

/** The spoofed-sender cmdlets. */
export const TABL_SPOOF_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-TenantAllowBlockListSpoofItems',
    write: false,
    scope: 'security',
    params: [P.identity(false), ACTION, SPOOF_TYPE],
    run(ctx, p) {
      checkDefault(p.str('Identity'))
      return spoofItems(ctx)
        .filter((i) => !p.has('Action') || i.Action === p.str('Action'))
        .filter((i) => !p.has('SpoofType') || i.SpoofType === p.str('SpoofType'))
        .map(show)
    },
  },
  {
    name: 'New-TenantAllowBlockListSpoofItems',
    write: true,
    scope: 'security',
    params: [
      P.identity(),
      { ...ACTION, mandatory: true },
      { ...SPOOF_TYPE, mandatory: true },
      P.str('SpoofedUser', { mandatory: true }),
      P.str('SendingInfrastructure', { mandatory: true }),
    ],
    run(ctx, p) {
      checkDefault(p.req('Identity'))
      const spoofType = p.req('SpoofType') as TablSpoofItem['SpoofType']
      const user = p.req('SpoofedUser').trim()
      // Cross-org spoofing names a domain or an address; intra-org spoofing names a full address
      // (New-TenantAllowBlockListSpoofItems.md); either side of the pair may be the wildcard `*`,
      // never both (tenant-allow-block-list-email-spoof-configure.md, domain pair syntax).
      // ms-rule: sandbox.spoof-pair-syntax
      const wildUser = user === '*'
      if (
        !wildUser &&
        (spoofType === 'External' ? !isDomain(user) && !isAddress(user) : !isAddress(user))
      )
        throw invalidValue(`The spoofed user '${user}' isn't valid for SpoofType ${spoofType}.`)
      const infra = p.req('SendingInfrastructure').trim()
      if (wildUser && infra === '*')
        throw invalidValue(
          "The wildcard '*' can be the spoofed user or the sending infrastructure, not both.",
        )
      if (infra !== '*') checkInfrastructure(infra)
      const dup = spoofItems(ctx).find(
        (i) =>
          i.SpoofType === spoofType &&
          i.SpoofedUser.toLowerCase() === user.toLowerCase() &&
          i.SendingInfrastructure.toLowerCase() === infra.toLowerCase(),
      )
      if (dup)
        throw invalidArgument(`The spoofed sender pair '${user}', '${infra}' already exists.`)
      if (spoofItems(ctx).length >= TABL.maxSpoofEntries)
        throw limitReached(
          `The spoofed sender list can hold at most ${TABL.maxSpoofEntries} entries.`,
        )
      const item: TablSpoofItem = {
        Identity: ctx.newGuid('tabl-spoof'),
        Action: p.req('Action') as TablSpoofItem['Action'],
        SpoofType: spoofType,
        SpoofedUser: user,
        SendingInfrastructure: infra,
      }
      spoofItems(ctx).push(item)
      // Held in one order whatever order they were created in (Exchange documents none), so a
      // retried apply leaves the same list as a clean one.
      spoofItems(ctx).sort(byIdentity)
      return [show(item)]
    },
  },
  {
    name: 'Set-TenantAllowBlockListSpoofItems',
    write: true,
    scope: 'security',
    params: [P.identity(), P.strs('Ids', { mandatory: true }), { ...ACTION, mandatory: true }],
    run(ctx, p) {
      checkDefault(p.req('Identity'))
      for (const i of byIds(ctx, p.strs('Ids') ?? []))
        i.Action = p.req('Action') as TablSpoofItem['Action']
    },
  },
  {
    name: 'Remove-TenantAllowBlockListSpoofItems',
    write: true,
    scope: 'security',
    params: [P.identity(), P.strs('Ids', { mandatory: true })],
    run(ctx, p) {
      checkDefault(p.req('Identity'))
      const gone = new Set(byIds(ctx, p.strs('Ids') ?? []))
      const kept = spoofItems(ctx).filter((i) => !gone.has(i))
      spoofItems(ctx).splice(0, spoofItems(ctx).length, ...kept)
    },
  },
]
