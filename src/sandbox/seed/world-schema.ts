import { z } from 'zod'
import { TenantSnapshot } from '../../core/model/snapshot.js'

const RoleName = z.enum([
  'Global Administrator',
  'Exchange Administrator',
  'Security Administrator',
  'Security Reader',
  'Global Reader',
])

const Admin = z.object({
  upn: z.string().min(1),
  displayName: z.string(),
  objectId: z.string().min(1),
  roles: z.array(RoleName),
  exchangeApiEnabled: z.boolean(),
})

const App = z.object({
  clientId: z.string().min(1),
  displayName: z.string(),
  certificatePem: z.string(),
  appRoles: z.array(z.string()),
  roles: z.array(RoleName),
  objectId: z.string().min(1).optional(),
  disabled: z.boolean().optional(),
})

// Every field below is optional or defaulted: state files written before fleets still load.
const Registration = z.object({
  clientId: z.string().min(1),
  displayName: z.string(),
  certificatePem: z.string(),
  appRoles: z.array(z.string()),
  redirectUris: z.array(z.string()).optional(),
})

const ExchangeRbac = z.object({
  servicePrincipals: z
    .array(
      z.object({
        appId: z.string().min(1),
        objectId: z.string().min(1),
        displayName: z.string(),
        identity: z.string().min(1),
      }),
    )
    .default([]),
  roleGroupMembers: z.record(z.string(), z.array(z.string())).default({}),
})

const FleetFlags = z.object({
  index: z.number().int().min(1),
  consented: z.boolean(),
  roleGranted: z.boolean(),
  spDisabled: z.boolean(),
  coManager: z.boolean(),
  gateway: z.boolean(),
  coManagerState: z
    .object({
      pendingIpAllowList: z.array(z.string()).optional(),
      revertedAt: z.string().optional(),
    })
    .optional(),
})

const FleetMeta = z.object({
  tenants: z.number().int().min(0),
  seed: z.number().int().min(0),
  preEnrolled: z.boolean(),
  clientId: z.string(),
  counts: z.object({
    licence: z.record(z.string(), z.number().int()),
    notConsented: z.number().int(),
    consentedNoRole: z.number().int(),
    roleGranted: z.number().int(),
    spDisabled: z.number().int(),
    coManager: z.number().int(),
    gateway: z.number().int(),
  }),
})

const Delivery = z.object({
  recipient: z.string(),
  action: z.string(),
  status: z.string(),
  quarantineIdentity: z.string().nullable(),
  quarantineType: z.string().nullable(),
  quarantinePolicy: z.string().nullable(),
  released: z.boolean(),
  expiresAt: z.string().nullable(),
  headers: z.string(),
})

const Message = z.object({
  id: z.string().min(1),
  messageId: z.string(),
  receivedAt: z.iso.datetime({ offset: true }),
  senderAddress: z.string(),
  subject: z.string(),
  fromIp: z.string(),
  size: z.number().int().min(0),
  recipients: z.array(Delivery),
})

const Tenant = z.object({
  snapshot: TenantSnapshot,
  admins: z.array(Admin),
  apps: z.array(App).default([]),
  mail: z.object({ messages: z.array(Message).default([]) }).prefault({}),
  exchangeRbac: ExchangeRbac.optional(),
  fleet: FleetFlags.optional(),
})

/** The sandbox world as a state file holds it (contracts.ts SandboxWorld). */
export const SandboxWorldSchema = z
  .object({
    format: z.literal('passage.sandbox'),
    version: z.literal(1),
    tenants: z.array(Tenant).min(1),
    registrations: z.array(Registration).optional(),
    fleet: FleetMeta.optional(),
  })
  .superRefine((w, ctx) => {
    const ids = new Set<string>()
    w.tenants.forEach((t, i) => {
      const id = t.snapshot.tenant.id.toLowerCase()
      if (ids.has(id))
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'snapshot', 'tenant', 'id'],
          message: `duplicate tenant id ${id}`,
        })
      ids.add(id)
    })
  })
