/**
 * Directory reads over the admin API, so that discovery can learn group members and the
 * organisation without Microsoft Graph (one sign-in with Microsoft's default apps, issue 14):
 *
 * - Get-DistributionGroupMember: "view the members of distribution groups and mail-enabled
 *   security groups"; Identity takes any unique value (name, alias, email address, GUID);
 *   ResultSize is a number or Unlimited, default 1000
 *   (MicrosoftDocs/office-docs-powershell exchange/exchange-ps/ExchangePowerShell/
 *   Get-DistributionGroupMember.md). Direct members only: a nested group is listed as a group.
 * - Get-UnifiedGroupLinks -LinkType Members|Owners|Subscribers|Aggregators|EventSubscribers:
 *   members of a Microsoft 365 group (Get-UnifiedGroupLinks.md).
 * - Get-OrganizationConfig (Get-OrganizationConfig.md): the organisation's settings; here its
 *   Name, DisplayName and ExternalDirectoryOrganizationId.
 *
 * The sandbox's directory (the seed's `directory.groups`, address and members) records no group
 * type, so every group is served as a distribution group (RecipientTypeDetails
 * MailUniversalDistributionGroup) and Get-UnifiedGroupLinks finds no Microsoft 365 group: it
 * answers Exchange's not-found error, as Exchange does for an identity that is not one.
 * Members are ReducedRecipient objects with the properties scripts read from them (Name,
 * DisplayName, Alias, PrimarySmtpAddress, RecipientType, RecipientTypeDetails,
 * ExternalDirectoryObjectId, Identity, Guid). A member address that is not a group is served as a
 * user mailbox. Reads: every reader role may run them (rbac.ts's rule for read cmdlets).
 */
import { deterministicGuid } from '../seed/guid.js'
import { CmdletError, notFound } from './errors.js'
import { P } from './params.js'
import type { CmdletDef, Ctx } from './types.js'

/** Get-DistributionGroupMember's default ResultSize. */
const DEFAULT_RESULT_SIZE = 1000

type Group = Ctx['snapshot']['directory']['groups'][number]

const findGroup = (ctx: Ctx, identity: string): Group | undefined => {
  const want = identity.trim().toLowerCase()
  return ctx.snapshot.directory.groups.find((g) => {
    const address = g.address.toLowerCase()
    const alias = address.split('@')[0]
    return (
      address === want ||
      alias === want ||
      groupGuid(ctx, g.address) === want ||
      `smtp:${address}` === want
    )
  })
}

const groupGuid = (ctx: Ctx, address: string) =>
  deterministicGuid('group', ctx.snapshot.tenant.id, address.toLowerCase())

const titleCase = (local: string) =>
  local
    .split(/[._-]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ')

/** A member as a ReducedRecipient. */
function recipient(ctx: Ctx, address: string): Record<string, unknown> {
  const nested = ctx.snapshot.directory.groups.find(
    (g) => g.address.toLowerCase() === address.toLowerCase(),
  )
  const local = address.split('@')[0] ?? address
  const guid = deterministicGuid('recipient', ctx.snapshot.tenant.id, address.toLowerCase())
  return {
    Identity: nested ? titleCase(local) : local,
    Name: nested ? titleCase(local) : local,
    DisplayName: titleCase(local),
    Alias: local,
    PrimarySmtpAddress: address,
    RecipientType: nested ? 'MailUniversalDistributionGroup' : 'UserMailbox',
    RecipientTypeDetails: nested ? 'MailUniversalDistributionGroup' : 'UserMailbox',
    ExternalDirectoryObjectId: nested ? groupGuid(ctx, nested.address) : guid,
    Guid: guid,
  }
}

/** Binds ResultSize: a positive number or Unlimited (Exchange's Unlimited<int> type). */
function resultSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RESULT_SIZE
  if (value.trim().toLowerCase() === 'unlimited') return Number.POSITIVE_INFINITY
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new CmdletError(
      'System.Management.Automation.ParameterBindingException',
      `Cannot bind parameter 'ResultSize'. Cannot convert value "${value}" to type "Microsoft.Exchange.Data.Unlimited\`1[System.UInt32]".`,
    )
  return n
}

/** The first `size` members, with Exchange's warning when more were left out. */
function page(ctx: Ctx, list: Record<string, unknown>[], size: number) {
  if (list.length <= size) return list
  ctx.warnings.push(
    `By default, only the first ${size} items are returned. Use the ResultSize parameter to specify the number of items returned. To return all items, specify "-ResultSize Unlimited". Be aware that, depending on the actual number of items, returning all items can take a long time and consume a large amount of memory. Also, we don't recommend storing the results in a variable. Instead, pipe the results to another task or script to perform batch changes.`,
  )
  return list.slice(0, size)
}

/** Get-DistributionGroupMember, Get-UnifiedGroupLinks and Get-OrganizationConfig. */
export const GROUP_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-DistributionGroupMember',
    write: false,
    scope: 'exchange',
    params: [P.identity(true), P.str('ResultSize'), P.sw('IncludeSoftDeletedObjects')],
    run: (ctx, p) => {
      const identity = p.req('Identity')
      const group = findGroup(ctx, identity)
      if (!group) throw notFound(identity)
      return page(
        ctx,
        group.members.map((m) => recipient(ctx, m)),
        resultSize(p.str('ResultSize')),
      )
    },
  },
  {
    name: 'Get-UnifiedGroupLinks',
    write: false,
    scope: 'exchange',
    params: [
      P.identity(true),
      P.enum(
        'LinkType',
        'Microsoft.Exchange.Management.RecipientTasks.LinkType',
        ['Members', 'Owners', 'Subscribers', 'Aggregators', 'EventSubscribers'],
        { mandatory: true },
      ),
      P.str('ResultSize'),
    ],
    run: (ctx, p) => {
      const identity = p.req('Identity')
      resultSize(p.str('ResultSize'))
      // The sandbox's directory holds no Microsoft 365 groups (see above).
      throw notFound(identity)
    },
  },
  {
    name: 'Get-OrganizationConfig',
    write: false,
    scope: 'exchange',
    params: [P.identity(false)],
    run: (ctx) => {
      const t = ctx.snapshot.tenant
      return [
        {
          Identity: t.name,
          Name: t.name,
          DisplayName: t.displayName,
          ExternalDirectoryOrganizationId: t.id,
          Guid: deterministicGuid('organization', t.id),
        },
      ]
    },
  },
]
