/**
 * Apply: starts a plan's apply in the background and answers with a job id; the wizard follows
 * each step by polling the job, or by Server-Sent Events (read with fetch, so the token travels
 * in a header).
 */
import type { FastifyInstance } from 'fastify'
import { apply } from '../../app/apply.js'
import { PassageError } from '../../core/errors/index.js'
import { parseBody, toApiError } from '../errors.js'
import { IdParam, PlanRef } from '../schemas.js'
import {
  connectionOf,
  newId,
  planOf,
  sessionOf,
  type ApplyJob,
  type JobStep,
  type ServerState,
} from '../state.js'
import { jobView } from '../views.js'

function jobOf(state: ServerState, id: string): ApplyJob {
  const j = state.jobs.get(id)
  if (!j) throw new PassageError('PASSAGE_E_API_NOT_FOUND', 'This apply job is unknown.')
  return j
}

/** Registers the apply routes: start a job, poll it, follow it by Server-Sent Events. */
export function registerApplyRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/apply', async (req, reply) => {
    const body = parseBody(PlanRef, req.body)
    const conn = connectionOf(state, body.connection)
    const session = sessionOf(conn)
    const p = planOf(conn, body.planHash)
    const running = [...state.jobs.values()].find(
      (j) => j.status === 'running' && j.connectionId === conn.id,
    )
    if (running)
      throw new PassageError('PASSAGE_E_LEASE_HELD', 'An apply is already running for this tenant.')
    const job: ApplyJob = {
      id: newId(),
      connectionId: conn.id,
      planHash: p.hash,
      status: 'running',
      steps: p.changes.map((c) => ({ changeId: c.id, summary: c.summary, status: 'pending' })),
      runId: null,
      alreadyApplied: false,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      listeners: new Set(),
    }
    state.jobs.set(job.id, job)
    const notify = () => {
      for (const l of job.listeners) l()
    }
    const stepOf = (id: string): JobStep | undefined => job.steps.find((s) => s.changeId === id)
    apply(session, state.store, p, {
      onStep: (e) => {
        const s = stepOf(e.change.id)
        if (!s) return
        if (e.type === 'start') s.status = 'running'
        else {
          s.status = e.result.status
          if (e.result.note) s.note = e.result.note
          if (e.result.ms !== undefined) s.ms = e.result.ms
          if (e.result.error)
            s.error = toApiError(
              new PassageError(e.result.error.code, e.result.error.message, {
                hint: e.result.error.hint,
              }),
            )
        }
        notify()
      },
    })
      .then((r) => {
        job.runId = r.runId
        job.alreadyApplied = r.alreadyApplied
        for (const res of r.steps) {
          const s = stepOf(res.changeId)
          if (!s) continue
          s.status = res.status
          if (res.note) s.note = res.note
          if (res.error)
            s.error = toApiError(
              new PassageError(res.error.code, res.error.message, { hint: res.error.hint }),
            )
        }
        job.status = r.status
        const first = job.steps.find((s) => s.error)?.error
        if (r.status === 'failed' && first) job.error = first
      })
      .catch((e: unknown) => {
        job.status = 'error'
        job.error = toApiError(e)
        for (const s of job.steps)
          if (s.status === 'pending' || s.status === 'running') s.status = 'not-run'
      })
      .finally(() => {
        job.finishedAt = new Date().toISOString()
        notify()
      })
    reply.code(202)
    return { job: jobView(job) }
  })

  app.get('/api/apply/:id', async (req) => {
    const { id } = parseBody(IdParam, req.params)
    return { job: jobView(jobOf(state, id)) }
  })

  /** Server-Sent Events: the job after every step, until it ends. */
  app.get('/api/apply/:id/events', (req, reply) => {
    const { id } = parseBody(IdParam, req.params)
    const job = jobOf(state, id)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      ...Object.fromEntries(Object.entries(reply.getHeaders()).map(([k, v]) => [k, String(v)])),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    const send = () => {
      res.write(`event: job\ndata: ${JSON.stringify(jobView(job))}\n\n`)
      if (job.status !== 'running') {
        job.listeners.delete(send)
        res.end()
      }
    }
    job.listeners.add(send)
    req.raw.on('close', () => job.listeners.delete(send))
    send()
  })
}
