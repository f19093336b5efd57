/**
 * The wizard's server never plans on a stale copy of the tenant (review first-use-2026-12, item
 * 3b). The audit's repro through the API: apply ContactMonkey's plan, test delivery (which reads
 * the tenant again into the server's copy), undo, then review again: the server planned on the
 * copy read while the plan was applied and answered "0 changes: the tenant already lets
 * ContactMonkey through" although nothing was applied any more; an empty plan then checked
 * "green, 0 checked". Now the second review finds the same changes as the first, and a check of
 * a plan without changes says there is nothing to check.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Session } from '../../src/app/session.js'
import { buildServer } from '../../src/server/app.js'
import { createState } from '../../src/server/state.js'
import type { Store } from '../../src/store/index.js'
import {
  appSession,
  cleanupFiles,
  memoryStore,
  sandbox,
  tenantNamed,
  type Sandbox,
} from './helpers.js'

const TOKEN = 'undo-replan-token-0123456789abcdefghijklmnop'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
const CONN = 'conn-undo-replan'
const vendor = { id: 'contactmonkey', params: { region: 'us', dedicatedIp: '167.89.10.20' } }

interface PlanAnswer {
  plan: { hash: string; changes: { id: string; summary: string }[] }
}

describe('undo, then review again (the wizard’s API)', () => {
  let s: Sandbox
  let store: Store
  let session: Session
  let app: FastifyInstance
  let web: string

  beforeAll(async () => {
    s = await sandbox()
    store = await memoryStore()
    const t = tenantNamed(s, 'contoso')
    session = await appSession(s, t)
    const state = createState(store, null)
    state.connections.set(CONN, {
      id: CONN,
      session,
      tenant: { id: session.tenantId, name: t.snapshot.tenant.name, displayName: '' },
      actor: session.actor,
      snapshot: null,
      plans: new Map(),
    })
    web = mkdtempSync(join(tmpdir(), 'passage-web-'))
    app = buildServer({ state, token: TOKEN, webRoot: web })
    await app.ready()
  }, 30_000)

  afterAll(async () => {
    await app?.close()
    session?.close()
    await store?.close()
    await s?.close()
    cleanupFiles()
    if (web) rmSync(web, { recursive: true, force: true })
  })

  const post = async <T>(url: string, payload: object): Promise<{ status: number; body: T }> => {
    const r = await app.inject({ method: 'POST', url, headers, payload })
    return { status: r.statusCode, body: r.json() as T }
  }
  const review = async () => {
    const r = await post<PlanAnswer>('/api/plan', { connection: CONN, vendor })
    expect(r.status).toBe(200)
    return r.body.plan
  }
  const applied = async (planHash: string) => {
    const r = await post<{ job: { id: string } }>('/api/apply', { connection: CONN, planHash })
    expect(r.status).toBe(202)
    for (let i = 0; i < 300; i++) {
      const j = await app.inject({ method: 'GET', url: `/api/apply/${r.body.job.id}`, headers })
      const job = j.json().job as { status: string }
      if (job.status !== 'running') return job.status
      await new Promise((res) => setTimeout(res, 100))
    }
    throw new Error('the apply did not end')
  }

  it('finds the same changes after an undo as before the apply, and checks no empty plan', async () => {
    expect((await post('/api/discovery', { connection: CONN, vendor })).status).toBe(200)
    const first = await review()
    expect(first.changes.length).toBeGreaterThan(0)
    expect(await applied(first.hash)).toBe('done')

    // Applied: reviewing again has nothing left to change, and that empty plan has nothing to
    // check (never "green, 0 checked").
    const empty = await review()
    expect(empty.changes).toEqual([])
    const nothing = await post<{ error: { code: string; message: string } }>('/api/check', {
      connection: CONN,
      planHash: empty.hash,
    })
    expect(nothing.status).toBe(400)
    expect(nothing.body.error.code).toBe('PASSAGE_E_NOTHING_TO_CHECK')
    expect(nothing.body.error.message).toContain('there is nothing to check')

    // Test delivery reads the tenant (with the plan applied) into the server's copy.
    expect((await post('/api/delivery', { connection: CONN, vendor, send: true })).status).toBe(200)
    const runs = await app.inject({ method: 'GET', url: `/api/runs?connection=${CONN}`, headers })
    const apply = (runs.json().runs as { id: number; kind: string }[]).find(
      (r) => r.kind === 'apply',
    )
    const undo = await post<{ rollback: { status: string } }>(`/api/runs/${apply?.id}/rollback`, {
      connection: CONN,
      confirm: true,
    })
    expect(undo.body.rollback.status).toBe('done')

    const again = await review()
    expect(again.changes.length).toBe(first.changes.length)
    expect(again.changes.map((c) => c.summary)).toEqual(first.changes.map((c) => c.summary))
  }, 120_000)
})
