/**
 * The sandbox's HTTPS server on loopback: sign-in (identity), Graph, the Exchange admin API,
 * sandbox-only mail endpoints and `GET /`, with fault injection, per-tenant throttling and
 * persistence of every write.
 */
import { randomUUID } from 'node:crypto'
import { isIP } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import pino from 'pino'
import { PassageError } from '../../core/errors/index.js'
import type { SandboxApp, SandboxRegistration, SandboxTenant, SandboxWorld } from '../contracts.js'
import { createEngine } from '../engine/index.js'
import { createFaults, formatFaultSpec, type FaultSpec } from '../faults/index.js'
import { registerGraphRoutes } from '../graph/index.js'
import { createIdentity } from '../identity/index.js'
import { fleetMeta, generateFleet, type FleetOptions } from '../fleet/index.js'
import { seedWorld } from '../seed/index.js'
import { openState } from '../state/index.js'
import { ensureCertificates } from '../tls/index.js'
import { registerAdminApi } from './admin-api.js'
import { type BudgetLimits, DEFAULT_LIMITS, TenantBudgets } from './budget.js'
import type { ServerContext, VerifyResult } from './context.js'
import { installFaultHooks } from './fault-hooks.js'
import { registerMailRoutes } from './mail-routes.js'

export { THROTTLE_TEXT, DEFAULT_LIMITS, type BudgetLimits } from './budget.js'
export { MAX_BATCH, MAX_PAGE_SIZE } from './admin-api.js'
export { EXCHANGE_AUDIENCE } from './context.js'

/** The Graph audience. */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com'

export interface SandboxOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  /** Loopback address to bind: 127.0.0.1 (default), ::1 or localhost. Anything else is refused. */
  host?: string
  /** `*.json` or `*.db` state file; null/undefined keeps the world in memory. */
  stateFile?: string | null
  /**
   * Where the CA, server certificate and signing key live. Default: `<stateFile>.d/` with a state
   * file, in memory without one. null forces memory.
   */
  certDir?: string | null
  /** The world to start from when the state file is missing (default: the seeded tenants). */
  initialWorld?: () => SandboxWorld
  /** Latency added to every admin API request, in ms (adds to the spec's `latency`). */
  latencyMs?: number
  /** A fault spec (see faults/index.ts), parsed or as a string. */
  faults?: FaultSpec | string
  /** Seed of the fault PRNG (default 1). */
  seed?: number
  /** Log requests (pino, to standard error). */
  logger?: boolean
  /** The clock (default: the real one). */
  now?: () => Date
  /** Device code lifetime in seconds (default 900). */
  deviceCodeLifetimeSeconds?: number
  /** The `interval` of device-code responses, in seconds (default 5). */
  pollIntervalSeconds?: number
  /**
   * Generated tenants beside the initial ones, and the operator's app registration they can
   * consent to (fleet/generate.ts). Used when the world is made (no state file, or a new one);
   * a state file would then hold more than MAX_STATE_TENANTS tenants is refused.
   */
  fleet?: Omit<FleetOptions, 'registration'> & { registration: SandboxRegistration }
}

/** The most tenants a state file may hold: a generated fleet is for memory (start-up, `GET /`). */
export const MAX_STATE_TENANTS = 50

/** Above this many tenants, `GET /` lists the seeded ones and counts the generated fleet. */
export const DESCRIBE_LIST_LIMIT = 50

/** Requests received, by kind (RunningSandbox.requests). */
export interface RequestCounts {
  /** The admin API (/adminapi/...) and Graph (/v1.0/..., /beta/...). */
  api: number
  /** Everything else: sign-in, consent, the sandbox's own pages. */
  other: number
}

/** The kind of a request by its path: the admin API and Graph, or anything else. */
export function requestKind(url: string): keyof RequestCounts {
  return url.startsWith('/adminapi/') || url.startsWith('/v1.0/') || url.startsWith('/beta/')
    ? 'api'
    : 'other'
}

export interface RunningSandbox {
  url: string
  caPath: string | null
  caPem: string
  /** The live world (the engine changes it in place). */
  world: SandboxWorld
  /** Where the state is kept (null in memory). */
  statePath: string | null
  /** The certificate/key folder (null in memory). */
  certDir: string | null
  /** The fault spec in force, as a string ('' for none). */
  faults: string
  /** Per-tenant throttling in force (the sandbox's own numbers: Microsoft publishes none). */
  throttling: BudgetLimits
  /**
   * Requests received since the start, by kind (the sandbox's own figures, for benchmarks): the
   * admin API and Graph (what a client's request budget paces), and sign-in (Entra's routes:
   * OpenID discovery, tokens, device codes, consent).
   */
  readonly requests: Readonly<RequestCounts>
  /** Registers (or replaces) an app for app-only sign-in on a tenant, and saves the world. */
  addApp(tenant: string, app: SandboxApp): void
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** Refuses any bind address other than loopback (the sandbox is never on a network). */
export function assertLoopback(host: string): void {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (LOOPBACK.has(h) || (isIP(h) === 4 && h.startsWith('127.'))) return
  throw new PassageError(
    'PASSAGE_E_SANDBOX_HOST',
    `Refusing to listen on '${host}': the sandbox binds loopback only (127.0.0.1 or ::1).`,
  )
}

/** Starts the sandbox and resolves once it listens. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = opts.host ?? '127.0.0.1'
  assertLoopback(host)
  const faults = createFaults(opts.faults, opts.seed ?? 1)
  if (opts.latencyMs) faults.spec.latencyMs += opts.latencyMs
  const fleet = opts.fleet
  if (fleet && opts.stateFile && fleet.tenants + 3 > MAX_STATE_TENANTS)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `A state file holds at most ${MAX_STATE_TENANTS} tenants; ${fleet.tenants} generated tenants are for a sandbox in memory.`,
      {
        hint: `Drop --state to run the generated fleet in memory (the same --seed gives the same tenants each time), or generate at most ${MAX_STATE_TENANTS - 3} tenants.`,
      },
    )
  const initialWorld = fleet
    ? () => withFleet((opts.initialWorld ?? seedWorld)(), fleet)
    : opts.initialWorld
  const store = openState(opts.stateFile ?? null, initialWorld)
  let world: SandboxWorld
  let certDir: string | null
  let certs: Awaited<ReturnType<typeof ensureCertificates>>
  let identity: Awaited<ReturnType<typeof createIdentity>>
  const now = opts.now ?? (() => new Date())
  let baseUrl = ''
  try {
    world = store.load()
    certDir = opts.certDir === undefined ? store.dir : opts.certDir
    certs = await ensureCertificates(certDir)
    if (opts.stateFile && world.tenants.length > MAX_STATE_TENANTS)
      throw new PassageError(
        'PASSAGE_E_INPUT',
        `The state file '${opts.stateFile}' holds ${world.tenants.length} tenants; the sandbox keeps at most ${MAX_STATE_TENANTS} in a state file.`,
        { hint: 'Start the sandbox without --state for a generated fleet (--tenants N --seed S).' },
      )
    identity = await createIdentity({
      world: () => world,
      baseUrl: () => baseUrl,
      now,
      persist: () => store.save(world),
      signingKeyDir: certDir,
      ...(opts.deviceCodeLifetimeSeconds !== undefined
        ? { deviceCodeLifetimeSeconds: opts.deviceCodeLifetimeSeconds }
        : {}),
      ...(opts.pollIntervalSeconds !== undefined
        ? { pollIntervalSeconds: opts.pollIntervalSeconds }
        : {}),
    })
  } catch (e) {
    store.close()
    throw e
  }

  // Typed as the plain instance the route modules take (the https server type differs only in name).
  const app = Fastify({
    https: { key: certs.keyPem, cert: certs.certPem },
    ...(opts.logger
      ? {
          // Paths only: a query string may carry a sign-in code.
          loggerInstance: pino(
            {
              level: 'info',
              serializers: {
                req: (r: { method: string; url: string }) => ({
                  method: r.method,
                  url: r.url.split('?')[0],
                }),
              },
            },
            pino.destination(2),
          ),
        }
      : { logger: false }),
    forceCloseConnections: true,
    bodyLimit: 4 * 1024 * 1024,
  }) as unknown as FastifyInstance

  const ctx: ServerContext = {
    world: () => world,
    engine: createEngine(),
    faults,
    budgets: new TenantBudgets({
      concurrency: faults.spec.concurrency ?? DEFAULT_LIMITS.concurrency,
      count: faults.spec.budget?.count ?? DEFAULT_LIMITS.count,
      perMs: faults.spec.budget?.perMs ?? DEFAULT_LIMITS.perMs,
    }),
    baseUrl: () => baseUrl,
    now,
    newId: randomUUID,
    verify: async (token, audience, tenant) =>
      (await identity.verifyAccessToken(token, audience, tenant)) as VerifyResult,
    persist: () => store.save(world),
  }

  const requests: RequestCounts = { api: 0, other: 0 }
  app.addHook('onRequest', (req, _reply, done) => {
    requests[requestKind(req.url)]++
    done()
  })
  if (faults.spec.scope === 'all') installFaultHooks(app, ctx)
  await identity.registerRoutes(app)
  await registerGraphRoutes(app, identity, () => world)
  registerAdminApi(app, ctx)
  registerMailRoutes(app, ctx)
  app.get('/', async () =>
    describe(world, baseUrl, certs.caPath, formatFaultSpec(faults.spec), ctx.budgets.limits),
  )
  // The generated tenants, a page at a time (not Microsoft's): id, name, licence and flags.
  app.get<{ Querystring: Record<string, string | undefined> }>('/_sandbox/fleet', async (req) => {
    const offset = Math.max(0, Number.parseInt(req.query['offset'] ?? '0', 10) || 0)
    const limit = Math.min(
      1000,
      Math.max(1, Number.parseInt(req.query['limit'] ?? '100', 10) || 100),
    )
    const generated = world.tenants.filter((t) => t.fleet !== undefined)
    return {
      fleet: world.fleet ?? null,
      offset,
      total: generated.length,
      tenants: generated.slice(offset, offset + limit).map(fleetEntry),
    }
  })

  try {
    await app.listen({ port: opts.port ?? 0, host })
  } catch (e) {
    store.close()
    await app.close().catch(() => {})
    const code = (e as { code?: string }).code
    throw new PassageError(
      'PASSAGE_E_SANDBOX_LISTEN',
      `Cannot listen on ${host}:${opts.port ?? 0}${code ? ` (${code})` : ''}.`,
      { cause: e },
    )
  }
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0)
  const h = host.replace(/^\[|\]$/g, '')
  baseUrl = `https://${isIP(h) === 6 ? `[${h}]` : h}:${port}`

  let closed = false
  return {
    url: baseUrl,
    caPath: certs.caPath,
    caPem: certs.caPem,
    world,
    statePath: store.path,
    certDir,
    faults: formatFaultSpec(faults.spec),
    throttling: { ...ctx.budgets.limits },
    requests,
    addApp(tenant, sandboxApp) {
      identity.addApp(tenant, sandboxApp)
      ctx.persist()
    },
    async close() {
      if (closed) return
      closed = true
      await app.close()
      store.close()
    },
  }
}

/** The world with a generated fleet and the operator's registration added (fleet/generate.ts). */
export function withFleet(
  world: SandboxWorld,
  fleet: NonNullable<SandboxOptions['fleet']>,
): SandboxWorld {
  const generated = generateFleet(fleet)
  world.tenants.push(...generated)
  world.registrations = [
    ...(world.registrations ?? []).filter(
      (r) => r.clientId.toLowerCase() !== fleet.registration.clientId.toLowerCase(),
    ),
    fleet.registration,
  ]
  world.fleet = fleetMeta(generated, fleet)
  return world
}

/** A generated tenant as `GET /_sandbox/fleet` and a small `GET /` list it. */
function fleetEntry(t: SandboxTenant) {
  const f = t.fleet
  return {
    id: t.snapshot.tenant.id,
    name: t.snapshot.tenant.name,
    licence: t.snapshot.licence,
    ...(f
      ? {
          consented: f.consented,
          roleGranted: f.roleGranted,
          spDisabled: f.spDisabled,
          coManager: f.coManager,
          gateway: f.gateway,
        }
      : {}),
  }
}

/** `GET /`: what this sandbox serves. */
export function describe(
  world: SandboxWorld,
  baseUrl: string,
  caPath: string | null,
  faults: string,
  limits: BudgetLimits = DEFAULT_LIMITS,
) {
  // With a large generated fleet, the seeded tenants are listed and the fleet is counted
  // (world.fleet): 1,000 entries with six admins each would make `GET /` slow and unreadable.
  const large = world.tenants.length > DESCRIBE_LIST_LIMIT
  const listed = large ? world.tenants.filter((t) => t.fleet === undefined) : world.tenants
  return {
    name: 'passage sandbox',
    description:
      'An emulator of Exchange Online (admin API), Entra ID sign-in and Microsoft Graph for passage. Not Microsoft.',
    baseUrl,
    caPath,
    faults: faults || null,
    throttling: {
      ...limits,
      note: "sandbox's own choice; Microsoft publishes none",
    },
    registrations: (world.registrations ?? []).map((r) => ({
      clientId: r.clientId,
      displayName: r.displayName,
      appRoles: r.appRoles,
      consentUrl: `${baseUrl}/{tenant}/adminconsent?client_id=${r.clientId}`,
    })),
    fleet: world.fleet
      ? {
          ...world.fleet,
          listed: !large,
          tenantsUrl: `${baseUrl}/_sandbox/fleet?offset=0&limit=100`,
        }
      : null,
    tenants: listed.map((t) => ({
      id: t.snapshot.tenant.id,
      name: t.snapshot.tenant.name,
      displayName: t.snapshot.tenant.displayName,
      licence: t.snapshot.licence,
      admins: t.admins.map((a) => ({
        upn: a.upn,
        displayName: a.displayName,
        roles: a.roles,
        exchangeApiEnabled: a.exchangeApiEnabled,
      })),
      apps: t.apps.map((a) => ({
        clientId: a.clientId,
        displayName: a.displayName,
        roles: a.roles,
        ...(a.objectId ? { objectId: a.objectId } : {}),
        ...(a.disabled ? { disabled: true } : {}),
      })),
      ...(t.fleet ? { fleet: fleetEntry(t) } : {}),
    })),
    endpoints: {
      openidConfiguration: `${baseUrl}/{tenant}/v2.0/.well-known/openid-configuration`,
      deviceCode: `${baseUrl}/{tenant}/oauth2/v2.0/devicecode`,
      token: `${baseUrl}/{tenant}/oauth2/v2.0/token`,
      deviceLogin: `${baseUrl}/devicelogin`,
      invokeCommand: `${baseUrl}/adminapi/beta/{tenant}/InvokeCommand`,
      batch: `${baseUrl}/adminapi/beta/{tenant}/$batch`,
      moduleFile: `${baseUrl}/adminapi/v1.0/{tenant}/EXOModuleFile`,
      graph: `${baseUrl}/v1.0`,
      messages: `${baseUrl}/sandbox/{tenant}/messages`,
    },
    audiences: { exchange: 'https://outlook.office365.com', graph: GRAPH_AUDIENCE },
  }
}
