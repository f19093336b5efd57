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
 *   "view membership and ownership information for Microsoft 365 Groups"; Identity is a
 *   UnifiedGroupIdParameter, ResultSize default 1000 (Get-UnifiedGroupLinks.md).
 * - Get-OrganizationConfig (Get-OrganizationConfig.md): the organisation's settings; here its
 *   Name, DisplayName and ExternalDirectoryOrganizationId.
 *
 * The sandbox's directory (the seed's `directory.groups`) gives each group a kind (snapshot.ts's
 * DirectoryGroup; absent = distribution). What each cmdlet answers for each kind:
 * - distribution and security groups: Get-DistributionGroupMember lists their direct members.
 * - a Microsoft 365 group: Get-UnifiedGroupLinks -LinkType Members lists its members;
 *   Get-DistributionGroupMember's Identity (DistributionGroupMemberIdParameter) names a
 *   "distribution group or mail-enabled security group" only. Exchange's exact refusal for a
 *   Microsoft 365 group there is not documented: the sandbox answers its not-found error
 *   (ManagementObjectNotFoundException), the refusal passage's client already treats as "not
 *   this kind of group" (UNCONFIRMED).
 * - a dynamic distribution group: its members are computed by a filter; Microsoft lists them with
 *   a separate cmdlet, Get-DynamicDistributionGroupMember ("the calculated membership list that's
 *   stored on dynamic distribution group objects ... updated every 24 hours", cloud only;
 *   Get-DynamicDistributionGroupMember.md), and Get-DistributionGroupMember.md points there only
 *   for the other kinds. The sandbox answers not-found for it from Get-DistributionGroupMember and
 *   Get-UnifiedGroupLinks (undocumented, UNCONFIRMED), and Get-DynamicDistributionGroup finds it
 *   (Get-DynamicDistributionGroup.md), so a client can say what it is.
 * A member of a group is served as a ReducedRecipient with the RecipientType and
 * RecipientTypeDetails Exchange reports for its kind (Get-Recipient.md lists the values):
 * MailUniversalDistributionGroup for a distribution group, MailUniversalSecurityGroup for a
 * mail-enabled security group, GroupMailbox (RecipientType MailUniversalDistributionGroup) for a
 * Microsoft 365 group, DynamicDistributionGroup for a dynamic one, UserMailbox for an address
 * that is not a group. Other properties: Name, DisplayName, Alias, PrimarySmtpAddress,
 * ExternalDirectoryObjectId, Identity, Guid. Who may run them: rbac.ts.
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

type GroupKind = NonNullable<Group['kind']>

const kindOf = (g: Group): GroupKind => g.kind ?? 'distribution'

/** RecipientType and RecipientTypeDetails of a group of each kind (Get-Recipient.md's values). */
const RECIPIENT_TYPES: Record<GroupKind, [type: string, details: string]> = {
  distribution: ['MailUniversalDistributionGroup', 'MailUniversalDistributionGroup'],
  security: ['MailUniversalSecurityGroup', 'MailUniversalSecurityGroup'],
  m365: ['MailUniversalDistributionGroup', 'GroupMailbox'],
  dynamic: ['DynamicDistributionGroup', 'DynamicDistributionGroup'],
}

/** A member as a ReducedRecipient. */
function recipient(ctx: Ctx, address: string): Record<string, unknown> {
  const nested = ctx.snapshot.directory.groups.find(
    (g) => g.address.toLowerCase() === address.toLowerCase(),
  )
  const local = address.split('@')[0] ?? address
  const guid = deterministicGuid('recipient', ctx.snapshot.tenant.id, address.toLowerCase())
  const [type, details] = nested ? RECIPIENT_TYPES[kindOf(nested)] : ['UserMailbox', 'UserMailbox']
  return {
    Identity: nested ? titleCase(local) : local,
    Name: nested ? titleCase(local) : local,
    DisplayName: titleCase(local),
    Alias: local,
    PrimarySmtpAddress: address,
    RecipientType: type,
    RecipientTypeDetails: details,
    ExternalDirectoryObjectId: nested ? groupGuid(ctx, nested.address) : guid,
    Guid: guid,
  }
}

/** The group of one of these kinds that the identity names; Exchange's not-found error otherwise. */
function groupOfKind(ctx: Ctx, identity: string, kinds: readonly GroupKind[]): Group {
  const group = findGroup(ctx, identity)
  if (!group || !kinds.includes(kindOf(group))) throw notFound(identity)
  return group
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

/**
 * Get-DistributionGroupMember, Get-UnifiedGroupLinks, Get-DynamicDistributionGroup and
 * Get-OrganizationConfig.
 */
export const GROUP_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-DistributionGroupMember',
    write: false,
    scope: 'exchange',
    params: [P.identity(true), P.str('ResultSize'), P.sw('IncludeSoftDeletedObjects')],
    run: (ctx, p) => {
      const size = resultSize(p.str('ResultSize'))
      // Distribution groups and mail-enabled security groups only (see above).
      const group = groupOfKind(ctx, p.req('Identity'), ['distribution', 'security'])
      return page(
        ctx,
        group.members.map((m) => recipient(ctx, m)),
        size,
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
      const size = resultSize(p.str('ResultSize'))
      const group = groupOfKind(ctx, p.req('Identity'), ['m365'])
      // The directory records members only: owners, subscribers and the other links are not
      // modelled, and are answered as none.
      if (p.str('LinkType')?.toLowerCase() !== 'members') return []
      return page(
        ctx,
        group.members.map((m) => recipient(ctx, m)),
        size,
      )
    },
  },
  {
    // Get-DynamicDistributionGroup.md: a dynamic distribution group's settings. Only the
    // properties a client needs to recognise one are served.
    name: 'Get-DynamicDistributionGroup',
    write: false,
    scope: 'exchange',
    params: [P.identity(false), P.str('ResultSize')],
    run: (ctx, p) => {
      const size = resultSize(p.str('ResultSize'))
      const identity = p.str('Identity')
      const groups =
        identity === undefined
          ? ctx.snapshot.directory.groups.filter((g) => kindOf(g) === 'dynamic')
          : [groupOfKind(ctx, identity, ['dynamic'])]
      return page(
        ctx,
        groups.map((g) => recipient(ctx, g.address)),
        size,
      )
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
