/**
 * Sign-in: starts a device-code sign-in (the "single-use token" the admin enters on Microsoft's
 * page, or the sandbox's /devicelogin) and answers with the code at once; the sign-in goes on in
 * the background, and the wizard polls its status until the admin has signed in and confirmed.
 */
import type { FastifyInstance } from 'fastify'
import { connect, newProfile, type Session } from '../../app/session.js'
import { PassageError } from '../../core/errors/index.js'
import type { DeviceCodePrompt } from '../../exchange/index.js'
import { parseBody, toApiError } from '../errors.js'
import { IdParam, SignInRequest } from '../schemas.js'
import { newId, type ServerState, type SignInFlow } from '../state.js'
import { signInView } from '../views.js'

/** How long to wait for the sign-in service to hand out a code. */
const CODE_WAIT_MS = 30_000

/** The sandbox tenant a name (or its first label) means. */
function sandboxTenant(state: ServerState, wanted: string): string {
  const sb = state.sandbox
  if (!sb) return wanted
  const w = wanted.toLowerCase()
  const t = sb.world.tenants.find(
    (x) =>
      x.snapshot.tenant.name === w ||
      x.snapshot.tenant.id === w ||
      x.snapshot.tenant.name.split('.')[0] === w,
  )
  if (!t)
    throw new PassageError('PASSAGE_E_INPUT', `The sandbox has no tenant '${wanted}'.`, {
      hint: `Choose one of: ${sb.world.tenants.map((x) => x.snapshot.tenant.name).join(', ')}.`,
    })
  return t.snapshot.tenant.name
}

/** Registers the device-code sign-in routes (start, poll, cancel). */
export function registerSignInRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/signin', async (req) => {
    const body = parseBody(SignInRequest, req.body)
    const tenant = sandboxTenant(state, body.tenant)
    const sb = state.sandbox
    const profile = newProfile({
      tenant,
      ...(sb ? { sandboxUrl: sb.url } : {}),
      auth: { kind: 'device' },
    })
    const flow: SignInFlow = {
      id: newId(),
      tenant,
      prompt: null,
      status: 'waiting',
      connectionId: null,
      actor: null,
      error: null,
      abort: new AbortController(),
      startedAt: Date.now(),
    }
    state.signIns.set(flow.id, flow)
    let gotCode!: (p: DeviceCodePrompt) => void
    let failed!: (e: unknown) => void
    const code = new Promise<DeviceCodePrompt>((res, rej) => {
      gotCode = res
      failed = rej
    })
    connect(state.store, profile, {
      // A reader may still look: Discovery says what this admin may not change, and apply is
      // refused before any change (the CLI asks for --read-only instead).
      readOnly: true,
      // The sandbox's CA is trusted for this session only, never process-wide.
      ...(sb ? { caPem: sb.caPem } : {}),
      signal: flow.abort.signal,
      onCode: (p) => {
        flow.prompt = p
        gotCode(p)
      },
    }).then(
      (session: Session) => {
        if (flow.status === 'cancelled') {
          session.close()
          return
        }
        const id = newId()
        state.connections.set(id, {
          id,
          session,
          tenant: {
            id: session.tenantId,
            name: session.profile.tenantName ?? tenant,
            displayName: session.profile.tenantName ?? tenant,
          },
          actor: session.actor,
          snapshot: null,
          plans: new Map(),
        })
        flow.connectionId = id
        flow.actor = session.actor
        flow.status = 'signed-in'
      },
      (e: unknown) => {
        if (flow.status !== 'cancelled') {
          flow.status = 'failed'
          flow.error = toApiError(e)
        }
        failed(e)
      },
    )
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        code,
        new Promise((_, rej) => {
          timer = setTimeout(
            () =>
              rej(
                new PassageError(
                  'PASSAGE_E_SIGNIN',
                  'The sign-in service did not hand out a code in time.',
                ),
              ),
            CODE_WAIT_MS,
          )
        }),
      ])
    } catch (e) {
      flow.abort.abort()
      state.signIns.delete(flow.id)
      throw e
    } finally {
      clearTimeout(timer)
    }
    return { signIn: signInView(flow) }
  })

  app.get('/api/signin/:id', async (req) => {
    const { id } = parseBody(IdParam, req.params)
    const flow = state.signIns.get(id)
    if (!flow)
      throw new PassageError('PASSAGE_E_API_NOT_FOUND', 'This sign-in is unknown or has ended.')
    return { signIn: signInView(flow) }
  })

  app.delete('/api/signin/:id', async (req) => {
    const { id } = parseBody(IdParam, req.params)
    const flow = state.signIns.get(id)
    if (!flow)
      throw new PassageError('PASSAGE_E_API_NOT_FOUND', 'This sign-in is unknown or has ended.')
    if (flow.status === 'waiting') {
      flow.status = 'cancelled'
      flow.abort.abort()
    }
    return { signIn: signInView(flow) }
  })
}
