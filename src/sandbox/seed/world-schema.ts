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
})

/** The sandbox world as a state file holds it (contracts.ts SandboxWorld). */
export const SandboxWorldSchema = z
  .object({
    format: z.literal('passage.sandbox'),
    version: z.literal(1),
    tenants: z.array(Tenant).min(1),
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
