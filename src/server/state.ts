/**
 * What the wizard's server keeps in memory for the life of the process: the store, the embedded
 * sandbox (with --sandbox), the sign-ins in progress, the signed-in connections (their tokens stay
 * in memory, never on disk), the plans made for each, and the apply jobs with their progress.
 */
import { randomBytes } from 'node:crypto'
import type { Session } from '../app/session.js'
import { PassageError } from '../core/errors/index.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import type { Plan } from '../core/plan-format.js'
import type { DeviceCodePrompt } from '../exchange/index.js'
import type { RunningSandbox } from '../sandbox/index.js'
import type { Store } from '../store/index.js'
import type { ApplyJob, JobStep, SignInStatus } from './views.js'

/** A signed-in tenant (or, in tests, only a snapshot of one). */
export interface Connection {
  id: string
  /** Null for a connection made from a snapshot alone (plan and simulate only). */
  session: Session | null
  tenant: { id: string; name: string; displayName: string }
  actor: string
  /** The last discovered snapshot. */
  snapshot: TenantSnapshot | null
  plans: Map<string, Plan>
}

/** A device-code sign-in in progress (what the wizard sees of it: views.ts's SignInStatus). */
export interface SignInFlow extends SignInStatus {
  prompt: DeviceCodePrompt | null
  abort: AbortController
  startedAt: number
}

// Defined in views.ts (node-free), where the web client's types are derived from them.
export type { ApplyJob, JobStep }

/** The server's state. */
export interface ServerState {
  store: Store
  sandbox: RunningSandbox | null
  signIns: Map<string, SignInFlow>
  connections: Map<string, Connection>
  jobs: Map<string, ApplyJob>
}

/** A random URL-safe id. */
export function newId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url')
}

/** A new, empty state. */
export function createState(store: Store, sandbox: RunningSandbox | null): ServerState {
  return { store, sandbox, signIns: new Map(), connections: new Map(), jobs: new Map() }
}

/** The connection with this id, or a 404. */
export function connectionOf(state: ServerState, id: string): Connection {
  const c = state.connections.get(id)
  if (!c)
    throw new PassageError('PASSAGE_E_NOT_CONNECTED', 'This sign-in has ended or is unknown.', {
      hint: 'Go back to the Sign in step and sign in again.',
    })
  return c
}

/** The signed-in session of a connection (a snapshot-only connection has none). */
export function sessionOf(c: Connection): Session {
  if (!c.session)
    throw new PassageError('PASSAGE_E_NOT_CONNECTED', 'This connection is not signed in.', {
      hint: 'Go back to the Sign in step and sign in.',
    })
  return c.session
}

/** The snapshot of a connection, or an error saying to run discovery first. */
export function snapshotOf(c: Connection): TenantSnapshot {
  if (!c.snapshot)
    throw new PassageError('PASSAGE_E_INPUT', 'The tenant has not been read yet.', {
      hint: 'Run the Discovery step first.',
    })
  return c.snapshot
}

/** A plan made earlier for this connection. */
export function planOf(c: Connection, hash: string): Plan {
  const p = c.plans.get(hash)
  if (!p)
    throw new PassageError(
      'PASSAGE_E_API_NOT_FOUND',
      `No plan ${hash.slice(0, 12)} for this tenant.`,
      {
        hint: 'Go back to the Summary step to make the plan again.',
      },
    )
  return p
}

/** Closes every session (the server is stopping). */
export function closeState(state: ServerState): void {
  for (const f of state.signIns.values()) f.abort.abort()
  for (const c of state.connections.values()) c.session?.close()
  state.connections.clear()
}
