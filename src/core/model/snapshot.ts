import { z } from 'zod'
import { AdvancedDelivery } from './advanced-delivery.js'
import { AntiPhishPolicy, AntiPhishRule } from './anti-phish.js'
import { AntiSpamPolicy, AntiSpamRule } from './anti-spam.js'
import { AtpPolicy } from './atp-policy.js'
import { list } from './common.js'
import { ConnectionFilterPolicy } from './connection-filter.js'
import { InboundConnector } from './inbound-connector.js'
import { Licence } from './licence.js'
import { MalwareFilterPolicy, MalwareFilterRule } from './malware-filter.js'
import { PresetRule } from './preset.js'
import { QuarantinePolicy } from './quarantine-policy.js'
import { SafeAttachmentPolicy, SafeAttachmentRule } from './safe-attachments.js'
import { SafeLinksPolicy, SafeLinksRule } from './safe-links.js'
import { TablItem, TablSpoofItem } from './tabl.js'
import { TransportRule } from './transport-rule.js'

/** Version of the snapshot format this build reads and writes. */
export const SNAPSHOT_VERSION = 1

export const AcceptedDomain = z.object({
  DomainName: z.string().min(1),
  DomainType: z.enum(['Authoritative', 'InternalRelay', 'ExternalRelay']).default('Authoritative'),
  Default: z.boolean().default(false),
})
export type AcceptedDomain = z.infer<typeof AcceptedDomain>

/** Where the tenant's MX points: at Microsoft 365, or at a named gateway in front of it. */
export const MxRouting = z.discriminatedUnion('route', [
  z.object({ route: z.literal('microsoft'), hosts: list() }),
  z.object({
    route: z.literal('gateway'),
    gateway: z.string().min(1),
    hosts: list(),
    /** The gateway's egress IPs (what Exchange sees as the connecting IP without Enhanced Filtering). */
    ips: list(),
  }),
])
export type MxRouting = z.infer<typeof MxRouting>

/**
 * Group membership, used to resolve who a preset or policy rule covers. `kind` is the group's
 * kind as Exchange reports it (Get-Recipient's RecipientTypeDetails, office-docs-powershell
 * exchange/exchange-ps/ExchangePowerShell/Get-Recipient.md); absent means 'distribution', so
 * snapshots written before it existed load unchanged (discovery writes no kind).
 * - 'distribution': a distribution group (MailUniversalDistributionGroup).
 * - 'security': a mail-enabled security group (MailUniversalSecurityGroup).
 * - 'm365': a Microsoft 365 group (GroupMailbox); its members are users, never groups.
 * - 'dynamic': a dynamic distribution group (DynamicDistributionGroup): Exchange computes its
 *   members from a filter when mail is sent; `members` is who that filter gives in the sandbox.
 *   Get-DistributionGroupMember does not list them, Microsoft Graph does not return the group,
 *   and Microsoft's policies do not accept it as a recipient condition ("dynamic distribution
 *   groups aren't supported", defender-docs defender-office-365/preset-security-policies.md).
 */
export const DirectoryGroup = z.object({
  address: z.string(),
  members: list(),
  kind: z.enum(['distribution', 'security', 'm365', 'dynamic']).optional(),
})
export type DirectoryGroup = z.infer<typeof DirectoryGroup>

const policyPair = <P extends z.ZodTypeAny, R extends z.ZodTypeAny>(policy: P, rule: R) =>
  z.object({ policies: z.array(policy).default([]), rules: z.array(rule).default([]) })

/** The state of every surface passage reads or changes. */
export const SurfaceState = z.object({
  transportRules: z.array(TransportRule).default([]),
  connectionFilter: ConnectionFilterPolicy.prefault({}),
  antiSpam: policyPair(AntiSpamPolicy, AntiSpamRule).prefault({}),
  antiPhish: policyPair(AntiPhishPolicy, AntiPhishRule).prefault({}),
  /** Anti-malware policies (read only: passage never changes them). */
  malware: policyPair(MalwareFilterPolicy, MalwareFilterRule).prefault({}),
  /** null when the tenant has no Defender for Office 365 (the cmdlets do not exist). */
  safeLinks: policyPair(SafeLinksPolicy, SafeLinksRule).nullable().default(null),
  safeAttachments: policyPair(SafeAttachmentPolicy, SafeAttachmentRule).nullable().default(null),
  tabl: z
    .object({
      items: z.array(TablItem).default([]),
      spoofItems: z.array(TablSpoofItem).default([]),
    })
    .prefault({}),
  quarantinePolicies: z.array(QuarantinePolicy).default([]),
  advancedDelivery: AdvancedDelivery.prefault({}),
  inboundConnectors: z.array(InboundConnector).default([]),
  atpPolicy: AtpPolicy.nullable().default(null),
})
export type SurfaceState = z.infer<typeof SurfaceState>

/** A tenant's configuration as discover reads it, or as an example file describes it. */
export const TenantSnapshot = z
  .object({
    format: z.literal('passage.snapshot').default('passage.snapshot'),
    version: z.literal(SNAPSHOT_VERSION),
    capturedAt: z.iso.datetime({ offset: true }),
    tenant: z.object({
      id: z.uuid(),
      name: z
        .string()
        .regex(/^[a-z0-9-]+\.onmicrosoft\.com$/i, 'must be the *.onmicrosoft.com name'),
      displayName: z.string().default(''),
    }),
    licence: Licence,
    /** skuPartNumber of each subscribed SKU (informative). */
    skus: list(),
    acceptedDomains: z.array(AcceptedDomain).min(1),
    mx: MxRouting,
    presets: z.array(PresetRule).default([]),
    directory: z.object({ groups: z.array(DirectoryGroup).default([]) }).prefault({}),
    state: SurfaceState,
  })
  .superRefine((s, ctx) => {
    const names = new Set<string>()
    const priorities = new Set<number>()
    s.state.transportRules.forEach((r, i) => {
      if (names.has(r.Name.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['state', 'transportRules', i, 'Name'],
          message: `duplicate rule name '${r.Name}'`,
        })
      if (priorities.has(r.Priority))
        ctx.addIssue({
          code: 'custom',
          path: ['state', 'transportRules', i, 'Priority'],
          message: `duplicate rule priority ${r.Priority}`,
        })
      names.add(r.Name.toLowerCase())
      priorities.add(r.Priority)
    })
    const n = s.state.transportRules.length
    s.state.transportRules.forEach((r, i) => {
      if (r.Priority >= n)
        ctx.addIssue({
          code: 'custom',
          path: ['state', 'transportRules', i, 'Priority'],
          message: `priority ${r.Priority} is out of range 0..${n - 1} (priorities are contiguous)`,
        })
    })
    if (s.licence === 'eop' && (s.state.safeLinks !== null || s.state.safeAttachments !== null))
      ctx.addIssue({
        code: 'custom',
        path: ['state', 'safeLinks'],
        message: 'an EOP-only tenant has no Safe Links or Safe Attachments policies',
      })
  })
export type TenantSnapshot = z.infer<typeof TenantSnapshot>
export type TenantSnapshotInput = z.input<typeof TenantSnapshot>
