/**
 * The whole dangerous-input corpus through the wizard's HTTP API: each input as the `custom`
 * vendor's IPs, envelope domain or link domain, POSTed to /api/plan, is refused (400, the
 * expected code in the catalogue's error shape), and no plan is kept for the connection.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSnapshot } from '../src/app/snapshot-file.js'
import { buildServer } from '../src/server/app.js'
import { createState, type ServerState } from '../src/server/state.js'
import { openStore, type Store } from '../src/store/index.js'
import corpus from './data/dangerous-inputs.json' with { type: 'json' }

interface DangerousInput {
  input: string
  kind: 'ip' | 'sender-domain' | 'url'
  expected: string
}

const TOKEN = 'corpus-token-0123456789abcdefghijklmnopqrstuvwxyz'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
let app: FastifyInstance
let store: Store
let state: ServerState

beforeAll(async () => {
  store = await openStore(':memory:')
  state = createState(store, null)
  const snapshot = loadSnapshot('examples/eop-only.json')
  state.connections.set('corpus-conn', {
    id: 'corpus-conn',
    session: null,
    tenant: { id: snapshot.tenant.id, name: snapshot.tenant.name, displayName: '' },
    actor: 'test',
    snapshot,
    plans: new Map(),
  })
  app = buildServer({ state, token: TOKEN, webRoot: mkdtempSync(join(tmpdir(), 'passage-web-')) })
  await app.ready()
})

afterAll(async () => {
  await app?.close()
  await store?.close()
})

function param(e: DangerousInput): Record<string, string> {
  if (e.kind === 'ip') return { ips: e.input }
  return e.kind === 'url' ? { linkDomains: e.input } : { envelopeDomains: e.input }
}

describe('the dangerous-input corpus through the wizard API', () => {
  it.each((corpus as DangerousInput[]).map((e) => [e.kind, e.input, e.expected, e] as const))(
    '%s %s is refused with %s',
    async (_kind, _input, expected, e) => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/plan',
        headers,
        payload: {
          connection: 'corpus-conn',
          vendor: { id: 'custom', params: { name: 'Dangerous', ...param(e) } },
        },
      })
      expect(r.statusCode, r.body).toBe(400)
      const body = r.json() as { error: { code: string; message: string } }
      const codes = [body.error.code]
      expect(codes, body.error.message).toContain(expected)
      expect(state.connections.get('corpus-conn')?.plans.size).toBe(0)
    },
  )
})
